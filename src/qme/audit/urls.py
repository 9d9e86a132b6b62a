from django.urls import path

from . import views

app_name = "audit"
urlpatterns = [
    path("", views.trail, name="trail"),
    path("object/<int:content_type_id>/<slug:object_id>/", views.object_trail, name="object"),
    path("person/<int:pk>/", views.person_trail, name="person"),
]
