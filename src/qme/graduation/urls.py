from django.urls import path

from . import views

app_name = "graduation"
urlpatterns = [
    path("graduation/", views.cases, name="cases"),
    path("graduation/cases/<int:pk>/", views.case, name="case"),
    path("graduation/propose/<int:pk>/", views.propose, name="propose"),
    path("graduation/requirements/<int:pk>/", views.requirements, name="requirements"),
    path("graduation/statement/<int:pk>/", views.statement, name="statement"),
    path("diplomas/<str:number>/", views.my_diploma, name="my_diploma"),
    path("diplomas/<str:number>/revoke/", views.diploma_revoke, name="diploma_revoke"),
    path("diplomas/<str:number>/<str:kind>/", views.diploma_file, name="diploma_file"),
    # Public: verification, the issuer's keys, the status list, the register.
    path("verify/", views.verify_page, name="verify"),
    path("v/<str:number>/", views.public_diploma, name="public_diploma"),
    path("credentials/issuer", views.issuer, name="issuer"),
    path("credentials/status/1", views.status_list, name="status_list"),
    path("register/", views.register, name="register"),
]
