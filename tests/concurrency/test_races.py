"""Two people act on the same thing at the same moment: one correct result, and the other is told.

Each race runs the two actions in two threads with their own database connections, released by
one barrier, against PostgreSQL (SQLite has one writer and cannot race); the row locks in the
services decide who comes first.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection

from qme.core.errors import ActionRefused
from qme.feedback.models import Assessment, Assessor
from qme.graduation import services as graduation
from qme.graduation.models import Diploma, GraduationCase
from qme.selection import services as selection
from qme.selection.models import Decision, Offer
from qme.training import services as training
from qme.training.models import ItemRecord, Traineeship
from tests.assessment.helpers import assess, score
from tests.diplomas.builders import complete_record, proposed, second_board_member
from tests.selection.factories import (
    Procedure,
    approved_decision,
    fresh,
    procedure_for,
    proposed_decision,
)
from tests.training.conftest import catalogue, rules
from tests.training.factories import approved_plan, recorded, traineeship_of

__all__ = ["catalogue", "rules"]

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def proc(world) -> Procedure:
    """A published position of hospital A with its committee of four and three candidates."""
    return procedure_for(world)


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("a real race needs two connections to one server: PostgreSQL")


def race(*actions: Callable[[], object]) -> list[object]:
    """Run the actions at the same moment; each result is its return value or its exception."""
    barrier = threading.Barrier(len(actions))
    results: list[object] = [None] * len(actions)

    def run(i: int, action: Callable[[], object]) -> None:
        from django.db import connection as own

        try:
            barrier.wait(timeout=10)
            results[i] = action()
        except Exception as error:  # the loser's refusal is part of the result
            results[i] = error
        finally:
            own.close()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def refusals(results: list[object]) -> list[Exception]:
    return [r for r in results if isinstance(r, Exception)]


def test_both_chairs_approving_at_once_make_one_offer(world, proc):
    decision = proposed_decision(proc)
    results = race(
        lambda: selection.approve_decision(actor=fresh(proc.uni_chair), decision=decision),
        lambda: selection.approve_decision(actor=fresh(proc.hos_chair), decision=decision),
    )
    assert refusals(results) == []
    decision = Decision.objects.get(pk=decision.pk)
    assert decision.status == "approved"
    assert Offer.objects.filter(decision=decision).count() == 1


def test_one_chair_approving_twice_at_once_counts_once(world, proc):
    decision = proposed_decision(proc)
    results = race(
        lambda: selection.approve_decision(actor=fresh(proc.uni_chair), decision=decision),
        lambda: selection.approve_decision(actor=fresh(proc.uni_chair), decision=decision),
    )
    assert len(refusals(results)) <= 1
    assert Decision.objects.get(pk=decision.pk).status != "approved"
    assert not Offer.objects.exists()


def test_accepting_an_offer_twice_at_once_makes_one_trainee(world, proc):
    approved_decision(proc)
    offer = Offer.objects.get()
    candidate = offer.application.applicant
    results = race(
        lambda: selection.respond_to_offer(actor=fresh(candidate), offer=offer, accept=True),
        lambda: selection.respond_to_offer(actor=fresh(candidate), offer=offer, accept=True),
    )
    assert len(refusals(results)) == 1
    assert isinstance(refusals(results)[0], ActionRefused)
    assert Traineeship.objects.filter(trainee=candidate).count() == 1


def test_two_assessors_finishing_at_once_are_both_recorded(world, rules, catalogue):
    traineeship = traineeship_of(world)
    assessment = assess(world, traineeship)
    results = race(
        lambda: score(assessment, fresh(world.university_supervisor)),
        lambda: score(assessment, fresh(world.supervisor_a)),
    )
    assert refusals(results) == []
    assert Assessor.objects.filter(assessment=assessment, submitted_at__isnull=False).count() == 2


def test_two_assessors_agreeing_at_once_record_one_judgement(world, rules, catalogue):
    traineeship = traineeship_of(world)
    assessment = assess(world, traineeship)
    score(assessment, world.university_supervisor)
    score(assessment, world.supervisor_a)
    from qme.feedback import services as feedback

    def agree(person, grade):
        return feedback.agree_judgement(
            actor=fresh(person),
            assessment=assessment,
            artefact_grade=grade,
            process_grade=grade,
            rationale=f"Agreed by {person.full_name}.",
        )

    results = race(
        lambda: agree(world.university_supervisor, 4), lambda: agree(world.supervisor_a, 3)
    )
    assert len(refusals(results)) == 1
    assert refusals(results)[0].code == "already_agreed"
    agreed = Assessment.objects.get(pk=assessment.pk)
    winner = next(r for r in results if not isinstance(r, Exception))
    assert agreed.artefact_grade == winner.artefact_grade
    assert agreed.rationale == winner.rationale


def test_a_double_submitted_sign_off_signs_once(world, rules, catalogue):
    traineeship = traineeship_of(world)
    plan = approved_plan(traineeship, catalogue)
    record = recorded(traineeship, plan.items.order_by("pk").first())
    results = race(
        lambda: training.sign_off(actor=fresh(world.supervisor_a), record=record),
        lambda: training.sign_off(actor=fresh(world.supervisor_a), record=record),
    )
    assert len(refusals(results)) == 1
    assert ItemRecord.objects.get(pk=record.pk).status == "signed_off"


def test_two_board_members_deciding_at_once_issue_one_diploma(world, rules, catalogue):
    record_ = complete_record(world, catalogue)
    case = proposed(world, record_.traineeship)
    bea = second_board_member(world)
    for member in (world.board_member, bea):
        graduation.vote(actor=fresh(member), case=case, choice="grant")
    results = race(
        lambda: graduation.decide(actor=fresh(world.board_member), case=case),
        lambda: graduation.decide(actor=fresh(bea), case=case),
    )
    assert len(refusals(results)) <= 1
    assert GraduationCase.objects.get(pk=case.pk).status == "granted"
    assert Diploma.objects.filter(traineeship=record_.traineeship).count() == 1


def test_the_same_vote_sent_twice_at_once_counts_once(world, rules, catalogue):
    record_ = complete_record(world, catalogue)
    case = proposed(world, record_.traineeship)
    race(
        lambda: graduation.vote(actor=fresh(world.board_member), case=case, choice="grant"),
        lambda: graduation.vote(actor=fresh(world.board_member), case=case, choice="grant"),
    )
    assert case.votes.filter(member=world.board_member).count() == 1
