from django.urls import path

from . import views

app_name = "people"
urlpatterns = [
    path("", views.person_list, name="list"),
    path("new/", views.person_create, name="create"),
    path("<int:pk>/", views.person_detail, name="detail"),
    path("<int:pk>/edit/", views.person_edit, name="edit"),
    path("<int:pk>/status/", views.person_set_active, name="set_active"),
    path("<int:pk>/roles/", views.role_assign, name="role_assign"),
    path("<int:pk>/roles/<int:role_pk>/end/", views.role_end, name="role_end"),
]
