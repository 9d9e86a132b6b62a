from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "qme.api"
    label = "api"
    verbose_name = "API"
