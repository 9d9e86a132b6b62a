"""The unread count in the header and the e-mail choice on the profile page."""

from __future__ import annotations

from typing import Any

from django import template
from django.db import DatabaseError

from .. import selectors, services
from ..models import EmailChoice

register = template.Library()


@register.inclusion_tag("notifications/_header_link.html", takes_context=True)
def notifications_link(context: dict[str, Any], oob: bool = False) -> dict[str, Any]:
    """One query, whatever the number of notifications. `oob` for an htmx swap of the header."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"show": False}
    try:
        unread = selectors.unread_count(user)
    except DatabaseError:  # an error page while the database is away still renders
        unread = 0
    return {"show": True, "unread": unread, "oob": oob}


@register.inclusion_tag("notifications/_email_choice.html", takes_context=True)
def notification_email_choice(context: dict[str, Any]) -> dict[str, Any]:
    request = context["request"]
    return {
        "choices": EmailChoice.choices,
        "current": services.email_choice(request.user),
        "next": request.get_full_path(),
        "csrf_token": context.get("csrf_token"),
    }
