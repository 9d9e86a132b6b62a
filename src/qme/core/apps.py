from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "qme.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from qme.reports.cache import watch

        from . import checks  # noqa: F401  (registers the system checks)
        from .context_processors import READS
        from .home import READS as HOME_READS

        # A change to what the navigation or a home page reads makes what is kept out of date.
        watch(READS)
        watch(HOME_READS)
