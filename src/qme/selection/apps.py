from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SelectionConfig(AppConfig):
    name = "qme.selection"
    label = "selection"
    verbose_name = _("Selection")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from qme.reports.cache import watch

        from . import models, selectors, views_committee

        # A change to what a stage's ranking reads ranks it again (selectors.kept_stage_ranking).
        watch(selectors.RANKING_READS)
        # A change to what a kept page reads renders it again (qme.core.kept).
        watch(views_committee.RESULTS.reads)

        auditlog.register(
            models.Application, exclude_fields=["cv", "motivation", "diploma", "dutch_evidence"]
        )
        auditlog.register(models.CommitteeMember)
        auditlog.register(models.ScoreSheet)
        auditlog.register(models.Decision)
        auditlog.register(models.Offer)
