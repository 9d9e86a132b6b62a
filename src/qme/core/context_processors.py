"""Navigation that shows only what the person's roles allow.

A signed-in person's navigation is worked out from their roles, traineeships, applications and
committee seats (five to eight queries and a dozen rules), on every page. It is kept in the
shared cache per person, language and day, until a row of one of the models it reads is saved or
deleted (the versioned cache of `qme.reports.cache`): a new role shows in the navigation on the
next page."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from qme.accounts.models import User
from qme.organisations import roles
from qme.organisations.models import Organisation, Role
from qme.reports import cache as versioned
from qme.selection.models import Application, CommitteeMember
from qme.training.models import Traineeship

#: What the navigation of a signed-in person depends on.
READS = (User, Role, Organisation, Traineeship, Application, CommitteeMember)


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    section: str


def navigation(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        items = [
            NavItem(str(_("Open positions")), reverse("positions:public_list"), "public"),
            NavItem(str(_("Sign in")), reverse("account_login"), "login"),
        ]
        return {"nav_items": items, "nav_section": _current(request, items)}
    items = versioned.remember("navigation", READS, user.pk, lambda: _signed_in_items(user))
    return {"nav_items": items, "nav_section": _current(request, items)}


def _signed_in_items(user: User) -> list[NavItem]:
    items = [NavItem(str(_("Home")), reverse("home"), "home")]
    if user.has_perm("positions.list_requests"):
        items.append(NavItem(str(_("Requests")), reverse("positions:request_list"), "requests"))
    if (
        roles.is_programme_office(user)
        or user.traineeships.exists()
        or roles.role_kinds(user)
        & {"university_supervisor", "hospital_supervisor", "medical_doctor", "hospital_coordinator"}
    ):
        items.append(NavItem(str(_("Training")), reverse("training:list"), "training"))
    if user.has_perm("graduation.list_cases"):
        items.append(NavItem(str(_("Graduation")), reverse("graduation:cases"), "graduation"))
    if user.has_perm("selection.list_procedures"):
        items.append(NavItem(str(_("Selection")), reverse("selection:procedures"), "selection"))
    if not roles.current_roles(user) or user.applications.exists():
        items.append(
            NavItem(str(_("My applications")), reverse("selection:my_applications"), "applications")
        )
        items.append(NavItem(str(_("Open positions")), reverse("positions:public_list"), "public"))
    if user.has_perm("positions.list_positions"):
        items.append(NavItem(str(_("Positions")), reverse("positions:position_list"), "positions"))
    if roles.current_roles(user):
        label = _("Organisations") if roles.is_programme_office(user) else _("My organisations")
        items.append(NavItem(str(label), reverse("organisations:list"), "organisations"))
    if user.has_perm("accounts.manage_people") or roles.organisation_ids(
        user, "hospital_coordinator"
    ):
        items.append(NavItem(str(_("People")), reverse("people:list"), "people"))
    if user.has_perm("privacy.manage"):
        items.append(NavItem(str(_("Personal data")), reverse("privacy:people"), "privacy"))
    if user.has_perm("reports.view"):
        items.append(NavItem(str(_("Reports")), reverse("reports:index"), "reports"))
    if user.has_perm("audit.view_trail"):
        items.append(NavItem(str(_("Audit trail")), reverse("audit:trail"), "audit"))
    return items


def _current(request: HttpRequest, items: list[NavItem]) -> str:
    path = request.path
    return next(
        (item.section for item in reversed(items) if path.startswith(item.url) and item.url != "/"),
        "home" if path == "/" else "",
    )
