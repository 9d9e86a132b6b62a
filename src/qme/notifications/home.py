"""The programme office's home page: e-mail that could not be delivered. One query."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from qme.accounts.models import User
from qme.organisations.home import HomeSection

from . import selectors


def office_section(user: User) -> HomeSection:
    return HomeSection(
        kind="email_deliveries",
        title=str(_("E-mail delivery")),
        template="notifications/home_office.html",
        context=selectors.delivery_counts(),
    )
