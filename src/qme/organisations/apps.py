from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationsConfig(AppConfig):
    name = "qme.organisations"
    label = "organisations"
    verbose_name = _("Organisations and roles")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from qme.reports.cache import watch

        from . import api, home, models, roles

        # A change to what the office's figures count recounts them.
        watch(home.OFFICE_FIGURES_READS)
        # A new, changed or ended role counts on the person's next request.
        watch(roles.ROLE_READS)
        # A change to what a kept list reads lists it again (qme.api.kept).
        watch(api.ORGANISATIONS.reads)
        auditlog.register(models.Organisation)
        auditlog.register(models.Department)
        auditlog.register(models.Role)
