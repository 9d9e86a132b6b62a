"""Navigation that shows only what the person's roles allow."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from qme.organisations import roles


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    section: str


def navigation(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = [NavItem(str(_("Home")), reverse("home"), "home")]
    if roles.current_roles(user):
        label = _("Organisations") if roles.is_programme_office(user) else _("My organisations")
        items.append(NavItem(str(label), reverse("organisations:list"), "organisations"))
    if user.has_perm("accounts.manage_people") or roles.organisation_ids(
        user, "hospital_coordinator"
    ):
        items.append(NavItem(str(_("People")), reverse("people:list"), "people"))
    if user.has_perm("audit.view_trail"):
        items.append(NavItem(str(_("Audit trail")), reverse("audit:trail"), "audit"))
    path = request.path
    current = next(
        (item.section for item in reversed(items) if path.startswith(item.url) and item.url != "/"),
        "home" if path == "/" else "",
    )
    return {"nav_items": items, "nav_section": current}
