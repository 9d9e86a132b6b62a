from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GraduationConfig(AppConfig):
    name = "qme.graduation"
    label = "graduation"
    verbose_name = _("Graduation")

    def ready(self) -> None:
        from qme.reports.cache import watch

        from . import api, views
        from .home import READS

        # A change to what the trainees at risk are computed from recomputes them.
        watch(READS)
        # A change to what a kept page reads renders it again (qme.core.kept).
        watch(views.VERIFICATION.reads)
        watch(api.CASES.reads)
