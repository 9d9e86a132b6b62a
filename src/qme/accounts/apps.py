from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "qme.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from auditlog.registry import auditlog
        from django.contrib.auth.signals import user_logged_in

        from qme.reports.cache import watch

        from . import adapter, api, models, services

        # A change to what a kept list reads lists it again (qme.api.kept).
        watch(api.PEOPLE.reads)
        # Adding or removing an authenticator counts on the person's next request.
        watch(adapter.TOTP_READS)

        auditlog.register(models.User, exclude_fields=["password", "last_login"])
        # Django's sign-in hook: a new session starts its inactivity and maximum-time clocks.
        user_logged_in.connect(
            lambda request, **kwargs: services.start_session(request.session),
            dispatch_uid="qme.accounts.start_session",
            weak=False,
        )
