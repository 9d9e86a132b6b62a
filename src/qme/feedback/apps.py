from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "qme.feedback"
    label = "feedback"
    verbose_name = _("Feedback")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from qme.reports.cache import watch

        from . import home, models, views

        # A change to what the home page's trainees waiting for feedback are computed from.
        watch(home.OVERDUE_READS)
        # A change to what a kept page reads renders it again (qme.core.kept).
        watch(views.FEEDBACK_LIST.reads)
        watch(views.REVIEW.reads)
        auditlog.register(models.Feedback)
        auditlog.register(models.ProgrammeSettings)
