from django.urls import path

from . import views

app_name = "organisations"
urlpatterns = [
    path("", views.organisation_list, name="list"),
    path("new/", views.organisation_create, name="create"),
    path("<int:pk>/", views.organisation_detail, name="detail"),
    path("<int:pk>/edit/", views.organisation_edit, name="edit"),
    path("<int:pk>/departments/new/", views.department_create, name="department_create"),
    path(
        "<int:pk>/departments/<int:department_pk>/edit/",
        views.department_edit,
        name="department_edit",
    ),
]
