from django.urls import path, re_path

from . import views

app_name = "reports"
urlpatterns = [
    path("reports/", views.index, name="index"),
    path("reports/<slug:slug>/", views.report, name="report"),
    re_path(
        r"^reports/(?P<slug>[\w-]+)/(?P<table>[\w-]+)\.(?P<fmt>csv|xlsx)$",
        views.export,
        name="export",
    ),
]
