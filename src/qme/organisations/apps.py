from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationsConfig(AppConfig):
    name = "qme.organisations"
    label = "organisations"
    verbose_name = _("Organisations and roles")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from . import models

        auditlog.register(models.Organisation)
        auditlog.register(models.Department)
        auditlog.register(models.Role)
