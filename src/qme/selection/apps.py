from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SelectionConfig(AppConfig):
    name = "qme.selection"
    label = "selection"
    verbose_name = _("Selection")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from . import models

        auditlog.register(
            models.Application, exclude_fields=["cv", "motivation", "diploma", "dutch_evidence"]
        )
        auditlog.register(models.CommitteeMember)
        auditlog.register(models.ScoreSheet)
        auditlog.register(models.Decision)
        auditlog.register(models.Offer)
