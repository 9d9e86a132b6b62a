from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PositionsConfig(AppConfig):
    name = "qme.positions"
    label = "positions"
    verbose_name = _("Position requests and positions")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from . import models

        auditlog.register(models.PositionRequest)
        auditlog.register(models.Position)
        auditlog.register(models.RequestComment)
