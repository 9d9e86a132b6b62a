from django.urls import path

from . import views

app_name = "feedback"
urlpatterns = [
    path("feedback/settings/", views.programme_settings, name="settings"),
    path("feedback/<int:pk>/", views.feedback_list, name="list"),
    path("feedback/<int:pk>/give/", views.give, name="give"),
    path("feedback/<int:pk>/<int:feedback_pk>/respond/", views.respond, name="respond"),
]
