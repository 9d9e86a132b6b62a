from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "qme.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from qme.reports.cache import watch

        from .selectors import UNREAD_READS

        # A new or read notification changes the number in the header at once.
        watch(UNREAD_READS)
