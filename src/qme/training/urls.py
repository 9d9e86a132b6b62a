from django.urls import path

from . import views

app_name = "training"
urlpatterns = [
    path("training/", views.traineeship_list, name="list"),
    path("training/new/", views.traineeship_create, name="create"),
    path("training/catalogue/", views.catalogue, name="catalogue"),
    path("training/curricula/new/", views.curriculum_create, name="curriculum_create"),
    path("training/<int:pk>/", views.traineeship_detail, name="detail"),
    path("training/<int:pk>/plan/", views.plan, name="plan"),
    path("training/<int:pk>/items/<int:item_pk>/record/", views.record_item, name="record_item"),
    path("training/<int:pk>/project/", views.project, name="project"),
    path("training/<int:pk>/leave/", views.leave, name="leave"),
    path("training/<int:pk>/extend/", views.extend, name="extend"),
    path("training/<int:pk>/discontinue/", views.discontinue, name="discontinue"),
    path("training/records/<int:pk>/", views.record, name="record"),
    path("training/records/<int:pk>/evidence/", views.record_evidence, name="record_evidence"),
    path("training/deliverables/<int:pk>/", views.deliverable, name="deliverable"),
]
