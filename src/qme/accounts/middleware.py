"""Per-person language, and two-factor authentication for the roles that must have it."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from . import services
from .adapter import has_totp, mfa_required


class SessionActivityMiddleware:
    """A session ends after a period without activity, and after a maximum time whatever the
    activity. Asking how long the session has left (the page's warning does, every minute) is
    not activity."""

    QUIET_PATHS = ("/accounts/session/", "/static/", "/health")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            if services.session_too_old(request.session):
                logout(request)
            elif not request.path.startswith(self.QUIET_PATHS):
                services.touch_session(request.session)
        return self.get_response(request)


class UserLanguageMiddleware:
    """A signed-in person sees the language they chose, on every device."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        return self.get_response(request)


class RequireTwoFactorMiddleware:
    """Programme office and examination board work only with two-factor authentication on.

    Until it is set up, every page leads to the setup page; signing out stays possible.
    """

    # Only what is needed to set it up, or to leave: sign-in steps, the two-factor pages, sign-out,
    # and the session status (whether the browser is still signed in; it shows nothing else).
    ALLOWED_PREFIXES = (
        "/accounts/login/",
        "/accounts/logout/",
        "/accounts/session/",
        "/accounts/2fa/",
        "/accounts/reauthenticate/",
        "/accounts/password/reset/",
        "/static/",
        "/i18n/",
        "/health",
        "/f/",
    )

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(self.ALLOWED_PREFIXES)
            and mfa_required(user)
            and not has_totp(user)
        ):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"detail": gettext("Set up two-factor authentication first.")}, status=403
                )
            return HttpResponseRedirect(reverse("mfa_activate_totp"))
        return self.get_response(request)
