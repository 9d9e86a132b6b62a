from django.urls import path

from . import views

app_name = "feedback"
urlpatterns = [
    path("feedback/settings/", views.programme_settings, name="settings"),
    path("feedback/<int:pk>/", views.feedback_list, name="list"),
    path("feedback/<int:pk>/give/", views.give, name="give"),
    path("feedback/<int:pk>/<int:feedback_pk>/respond/", views.respond, name="respond"),
    path("feedback/<int:pk>/rounds/new/", views.round_create, name="round_create"),
    path("feedback/<int:pk>/rounds/<int:round_pk>/", views.round_detail, name="round"),
    path("feedback/<int:pk>/reviews/", views.reviews, name="reviews"),
    path("feedback/<int:pk>/reviews/<int:review_pk>/", views.review_detail, name="review"),
    path("feedback/<int:pk>/design-criteria/", views.design_criteria, name="design_criteria"),
    path("feedback/<int:pk>/assessments/", views.assessments, name="assessments"),
    path(
        "feedback/<int:pk>/assessments/<int:assessment_pk>/",
        views.assessment_detail,
        name="assessment",
    ),
    path("f/<str:token>/", views.answer, name="answer"),
]
