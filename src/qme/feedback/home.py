"""Feedback on the home pages: overdue trainees for supervisors and the office, recent feedback
for the trainee. A fixed number of queries."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qme.accounts.models import User
from qme.organisations import roles
from qme.organisations.home import HomeSection

from . import services
from .models import Feedback, ProgrammeSettings


def overdue_section(user: User) -> HomeSection | None:
    settings = ProgrammeSettings.current()
    qs = services.with_cadence(services.active_traineeships()).filter(services.overdue_q(settings))
    if not roles.is_programme_office(user):
        qs = qs.filter(
            Q(university_supervisor=user) | Q(hospital_supervisor=user) | Q(medical_doctor=user)
        )
    rows = list(qs.select_related("trainee", "hospital").order_by("trainee__full_name")[:25])
    if not rows:
        return None
    return HomeSection(
        kind="feedback_overdue",
        title=str(_("Trainees waiting for feedback")),
        template="home/feedback_overdue.html",
        context={
            "rows": [(t, services.cadence_of(t, settings)) for t in rows],
            "settings": settings,
        },
    )


def received_section(user: User) -> HomeSection | None:
    recent = list(
        Feedback.objects.filter(traineeship__trainee=user)
        .select_related("author")
        .order_by("-given_at")[:3]
    )
    if not recent:
        return None
    return HomeSection(
        kind="feedback_received",
        title=str(_("Feedback you received")),
        template="home/feedback_received.html",
        context={"recent": recent},
    )
