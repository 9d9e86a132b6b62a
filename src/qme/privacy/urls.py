from django.urls import path

from . import views

app_name = "privacy"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("download/", views.download_mine, name="download"),
    path("traineeships/<int:pk>/export/", views.export_record, name="export_record"),
    path("people/", views.people, name="people"),
    path("people/<int:pk>/", views.person, name="person"),
    path("people/<int:pk>/download/", views.person_download, name="person_download"),
]
