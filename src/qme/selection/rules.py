"""Who may see and do what in selection. Committee members see their own positions' applicants;
applicants their own applications; the programme office everything. Scores are blind (see
selectors.visible_sheets)."""

from __future__ import annotations

import rules

from qme.organisations.rules import is_programme_office

from .models import CommitteeMember


def _member(user, position_id: int) -> CommitteeMember | None:
    if not user.is_authenticated:
        return None
    cache = getattr(user, "_qme_committee_seats", None)
    if cache is None:
        cache = {m.position_id: m for m in CommitteeMember.objects.filter(user_id=user.pk)}
        user._qme_committee_seats = cache
    return cache.get(position_id)


def committee_seat(user, position) -> CommitteeMember | None:
    return _member(user, position.pk) if position is not None else None


@rules.predicate
def is_applicant_of(user, application) -> bool:
    return application is not None and user.is_authenticated and application.applicant_id == user.pk


@rules.predicate
def sits_on_committee_of_application(user, application) -> bool:
    return application is not None and _member(user, application.position_id) is not None


@rules.predicate
def sits_on_committee(user, position) -> bool:
    return position is not None and _member(user, position.pk) is not None


@rules.predicate
def chairs_committee(user, position) -> bool:
    member = committee_seat(user, position)
    return member is not None and member.is_chair


@rules.predicate
def has_any_committee_seat(user) -> bool:
    return user.is_authenticated and CommitteeMember.objects.filter(user_id=user.pk).exists()


rules.add_perm(
    "selection.view_application",
    is_programme_office | is_applicant_of | sits_on_committee_of_application,
)
rules.add_perm("selection.edit_application", is_applicant_of)
rules.add_perm("selection.admit_application", is_programme_office)
rules.add_perm("selection.view_procedure", is_programme_office | sits_on_committee)
rules.add_perm("selection.manage_committee", is_programme_office)
rules.add_perm("selection.move_candidates", is_programme_office | sits_on_committee)
rules.add_perm("selection.score", sits_on_committee)
rules.add_perm("selection.propose_decision", sits_on_committee)
rules.add_perm("selection.approve_decision", chairs_committee)
rules.add_perm("selection.offer_next", is_programme_office | chairs_committee)
rules.add_perm("selection.answer_reasons", is_programme_office | chairs_committee)
rules.add_perm("selection.list_procedures", is_programme_office | has_any_committee_seat)
