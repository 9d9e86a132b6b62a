from django.urls import path

from . import views

app_name = "graduation"
urlpatterns = [
    path("graduation/", views.cases, name="cases"),
    path("graduation/cases/<int:pk>/", views.case, name="case"),
    path("graduation/propose/<int:pk>/", views.propose, name="propose"),
    path("graduation/requirements/<int:pk>/", views.requirements, name="requirements"),
]
