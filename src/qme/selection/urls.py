from django.urls import path

from . import views_applicant, views_committee

app_name = "selection"
urlpatterns = [
    path("privacy/", views_applicant.privacy, name="privacy"),
    path("positions/<int:position_pk>/apply/", views_applicant.apply, name="apply"),
    # The applicant's own applications.
    path("applications/", views_applicant.my_applications, name="my_applications"),
    path("applications/<int:pk>/", views_applicant.application_detail, name="application_detail"),
    path("applications/<int:pk>/edit/", views_applicant.application_edit, name="application_edit"),
    path(
        "applications/<int:pk>/submit/",
        views_applicant.application_submit,
        name="application_submit",
    ),
    path(
        "applications/<int:pk>/withdraw/",
        views_applicant.application_withdraw,
        name="application_withdraw",
    ),
    path(
        "applications/<int:pk>/consent/",
        views_applicant.application_consent,
        name="application_consent",
    ),
    path("applications/<int:pk>/reasons/", views_applicant.reasons_ask, name="reasons_ask"),
    path(
        "applications/<int:pk>/offers/<int:offer_pk>/",
        views_applicant.offer_respond,
        name="offer_respond",
    ),
    path(
        "applications/<int:pk>/documents/<str:kind>/",
        views_applicant.document_download,
        name="document",
    ),
    path(
        "applications/<int:pk>/documents/<str:kind>/upload/",
        views_applicant.document_upload,
        name="document_upload",
    ),
    # The committee and the programme office.
    path("selection/", views_committee.procedures, name="procedures"),
    path("selection/<int:pk>/", views_committee.procedure, name="procedure"),
    path("selection/<int:pk>/committee/", views_committee.committee, name="committee"),
    path("selection/<int:pk>/move/", views_committee.move, name="move"),
    path("selection/<int:pk>/stages/<int:stage_pk>/", views_committee.results, name="results"),
    path("selection/<int:pk>/decision/", views_committee.decision, name="decision"),
    path(
        "selection/<int:pk>/decision/<int:decision_pk>/",
        views_committee.decision_act,
        name="decision_act",
    ),
    path("selection/candidates/<int:pk>/", views_committee.candidate, name="candidate"),
    path(
        "selection/candidates/<int:pk>/stages/<int:stage_pk>/score/",
        views_committee.score,
        name="score",
    ),
    path("selection/candidates/<int:pk>/conflict/", views_committee.conflict, name="conflict"),
    path("selection/candidates/<int:pk>/admit/", views_committee.admit, name="admit"),
    path(
        "selection/candidates/<int:pk>/reasons/",
        views_committee.reasons_answer,
        name="reasons_answer",
    ),
]
