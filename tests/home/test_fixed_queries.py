"""Every role's home page costs the same number of database queries with a little data as with
more of everything: hospitals, requests, positions, procedures, applications, trainees, plans,
records, feedback, reviews, assessments and graduation cases. And the requirements check that
the home pages compute for many trainees at once agrees with the one of the requirements page."""

from __future__ import annotations

import datetime as dt

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from qme.graduation import services as graduation_services
from qme.graduation.home import requirements_unmet
from qme.selection.models import Decision
from tests.assessment.helpers import assess
from tests.diplomas.builders import (
    complete_record,
    proposed,
    record_for,
    record_only,
    sign_off_all,
    signed_review,
    sufficient_assessment,
)
from tests.factories import OrganisationFactory, UserFactory
from tests.feedback.helpers import give
from tests.positions.factories import approved_position, submitted_request
from tests.reviews.helpers import first_progress, go_no_go, record, sign_by_all
from tests.selection.factories import close, procedure_for, proposed_decision
from tests.training.factories import approved_plan, item_titled, recorded, traineeship_of

PERSONAS = [
    "office",
    "coordinator_a",
    "supervisor_a",
    "doctor_a",
    "university_supervisor",
    "board_member",
    "trainee_a",
    "applicant",
]


def _grow(world, catalogue, n: int, start: int = 0) -> None:
    """`n` more of everything the home pages list."""
    for i in range(start, start + n):
        hospital = OrganisationFactory(name=f"Ziekenhuis Groei {i}")
        submitted_request(world, title=f"Request {i}")
        submitted_request(world, hospital=hospital, title=f"Elsewhere {i}")
        approved_position(world)  # without a committee
        proc = procedure_for(world, candidates=2)  # Ulla, Sara and Dirk sit on it
        close(world, proc.position)
        type(proc.position).objects.filter(pk=proc.position.pk).update(
            status_changed_at=timezone.now() - dt.timedelta(days=30)
        )
        decided = procedure_for(world, candidates=2)
        decision = proposed_decision(decided)
        Decision.objects.filter(pk=decision.pk).update(
            proposed_at=timezone.now() - dt.timedelta(days=10)
        )
        trainee = UserFactory(full_name=f"Trainee {i}")
        traineeship = traineeship_of(world, trainee=trainee)  # feedback overdue
        plan = approved_plan(traineeship, catalogue)  # two items late
        recorded(traineeship, item_titled(plan, "Medical device regulation"))  # to sign off
        record(first_progress(traineeship), world.university_supervisor, outcome="extra_time")
        assess(world, traineeship)
        elsewhere = traineeship_of(world, trainee=UserFactory(), hospital=hospital)
        give(elsewhere.hospital_supervisor, elsewhere)
        ready = complete_record(world, catalogue, trainee=UserFactory(full_name=f"Ready {i}"))
        waiting = complete_record(world, catalogue, trainee=UserFactory(full_name=f"Voted {i}"))
        proposed(world, waiting.traineeship)
        assert ready.traineeship.pk
        going = traineeship_of(
            world,
            trainee=UserFactory(),
            start=timezone.localdate() - dt.timedelta(days=300),
        )
        sign_by_all(
            world,
            record(go_no_go(going), world.university_supervisor),
            (going.trainee, world.university_supervisor, world.supervisor_a),
        )
        tim = world.trainee_a.traineeships.get()
        give(world.supervisor_a, tim, next_step=f"Next step {i}: plan the validation.")


def _queries(client) -> int:
    cache.clear()  # nothing kept from before (the navigation): the whole cost of the page
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/")
    assert response.status_code == 200
    return len(queries)


def test_every_home_page_costs_the_same_queries_with_more_of_everything(
    world, catalogue, rules, own_client
):
    tim = traineeship_of(world)
    approved_plan(tim, catalogue)
    record(first_progress(tim), world.university_supervisor)
    _grow(world, catalogue, 1)
    clients = {persona: own_client(getattr(world, persona)) for persona in PERSONAS}
    for client in clients.values():
        client.get("/")  # the programme settings and the framework exist from now on
    few = {persona: _queries(client) for persona, client in clients.items()}
    _grow(world, catalogue, 2, start=1)
    many = {persona: _queries(client) for persona, client in clients.items()}
    assert many == few
    # Every list was there to be counted, with a little data and with more.
    office = clients["office"].get("/").context["sections"]
    groups = {g.key: g.count for s in office for g in s.context.get("groups", [])}
    assert groups["without_committee"] == 3
    assert groups["stalled"] == 6
    assert groups["at_risk"] >= 6
    assert groups["to_propose"] == 3
    assert groups["go_no_go"] == 3
    board = clients["board_member"].get("/").context["sections"]
    assert [g.count for s in board for g in s.context.get("groups", []) if g.key == "to_vote"] == [
        3
    ]
    assert max(many.values()) <= 40, many


def test_the_requirements_check_of_many_agrees_with_the_one_of_the_requirements_page(
    world, catalogue, rules
):
    def person(name: str):
        return UserFactory(full_name=name)

    complete = complete_record(world, catalogue, trainee=person("Complete"))
    nothing = record_for(world, catalogue, trainee=person("Nothing signed"))
    one_missing = record_for(world, catalogue, trainee=person("One missing"))
    sign_off_all(one_missing, except_=(one_missing.item_of(catalogue.communication),))
    sufficient_assessment(world, one_missing.traineeship)
    signed_review(world, one_missing.traineeship)
    waiting = record_for(world, catalogue, trainee=person("Waiting for a sign-off"))
    sign_off_all(waiting, except_=(waiting.item("Design project: ICU alarms"),))
    record_only(waiting, waiting.item("Design project: ICU alarms"))
    sufficient_assessment(world, waiting.traineeship)
    not_satisfactory = record_for(world, catalogue, trainee=person("Not satisfactory"))
    sign_off_all(not_satisfactory)
    sufficient_assessment(world, not_satisfactory.traineeship, process=2)
    signed_review(world, not_satisfactory.traineeship, outcome="targeted_training")
    no_plan = traineeship_of(world, trainee=person("No plan"))
    traineeships = [
        complete.traineeship,
        nothing.traineeship,
        one_missing.traineeship,
        waiting.traineeship,
        not_satisfactory.traineeship,
        no_plan,
    ]
    expected = {
        t.pk: sum(not c.met for c in graduation_services.requirements_check(t))
        for t in traineeships
    }
    assert expected[complete.traineeship.pk] == 0
    assert all(expected[t.pk] > 0 for t in traineeships[1:])
    assert requirements_unmet(traineeships) == expected
