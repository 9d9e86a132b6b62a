"""How sign-in (django-allauth) fits the programme: no open sign-up yet, e-mail via the worker."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.http import HttpRequest
from django.utils import translation

from qme.core.mail import send_rendered
from qme.organisations import roles
from qme.reports import cache as versioned

from .models import User


def mfa_required(user: Any) -> bool:
    return bool(roles.role_kinds(user) & set(settings.QME_MFA_REQUIRED_ROLES))


#: What whether a person has set up two-factor authentication is read from.
TOTP_READS = (Authenticator,)


def has_totp(user: Any) -> bool:
    """Asked on every request of a person who must use two-factor authentication: kept per
    person in the versioned cache until an authenticator is added or removed."""
    return versioned.remember(
        "has-totp",
        TOTP_READS,
        user.pk,
        lambda: Authenticator.objects.filter(
            user_id=user.pk, type=Authenticator.Type.TOTP
        ).exists(),
    )


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return settings.QME_OPEN_SIGNUP

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """Render in the recipient's own language and hand the message to the worker."""
        user = User.objects.filter(email__iexact=email).only("language").first()
        request = allauth_context.request
        ctx = {
            "request": request,
            "email": email,
            "current_site": get_current_site(request),
            "site_url": settings.SITE_URL,
            **context,
        }
        with translation.override(user.language if user else translation.get_language()):
            message = self.render_mail(template_prefix, email, ctx)
        html = (
            next(
                (str(body) for body, mimetype in message.alternatives if mimetype == "text/html"),
                "",
            )
            if hasattr(message, "alternatives")
            else ""
        )
        for address in message.to:
            send_rendered(
                to=address,
                subject=str(message.subject),
                body=str(message.body),
                html=html,
                from_email=message.from_email,
                template=template_prefix.rsplit("/", 1)[-1],
                recipient=user,
                subject_prefix="",  # allauth's subject has the site's prefix already
            )


class MFAAdapter(DefaultMFAAdapter):
    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        """People whose role requires two-factor authentication cannot switch it off."""
        if authenticator.type == Authenticator.Type.TOTP and mfa_required(authenticator.user):
            return False
        return super().can_delete_authenticator(authenticator)
