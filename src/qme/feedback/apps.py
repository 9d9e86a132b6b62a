from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "qme.feedback"
    label = "feedback"
    verbose_name = _("Feedback")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from . import models

        auditlog.register(models.Feedback)
        auditlog.register(models.ProgrammeSettings)
