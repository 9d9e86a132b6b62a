from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PositionsConfig(AppConfig):
    name = "qme.positions"
    label = "positions"
    verbose_name = _("Position requests and positions")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from qme.reports.cache import watch

        from . import api, models, views_public

        # A change to what a kept list reads lists it again (qme.api.kept).
        for page in (api.REQUESTS, api.POSITIONS, api.OPEN_POSITIONS):
            watch(page.reads)
        # A change to what a kept page reads renders it again (qme.core.kept).
        watch(views_public.PUBLIC_LIST.reads)

        auditlog.register(models.PositionRequest)
        auditlog.register(models.Position)
        auditlog.register(models.RequestComment)
