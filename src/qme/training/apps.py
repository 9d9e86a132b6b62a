from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "qme.training"
    label = "training"
    verbose_name = _("Training")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from qme.reports.cache import watch

        from . import api, models, views

        # A change to what a kept page reads renders it again (qme.core.kept).
        watch(views.RECORD.reads)
        watch(api.TRAINEESHIPS.reads)
        auditlog.register(models.Traineeship)
