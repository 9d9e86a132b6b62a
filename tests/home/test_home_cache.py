"""The office's and coordinators' lists of trainees at risk and waiting for feedback read every
ongoing trainee: what they find is kept (the versioned cache) per scope, language and day, and
read again as soon as feedback, a plan, a record, a review or a traineeship changes."""

from __future__ import annotations

import re

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from qme.core.home import READS, home_sections
from qme.feedback.models import ProgrammeSettings
from qme.organisations.models import Role, RoleKind
from tests.diplomas.builders import record_for, sign_off_all, signed_review, sufficient_assessment
from tests.factories import UserFactory
from tests.feedback.helpers import give
from tests.reviews.helpers import first_progress, record
from tests.training.factories import approved_plan, traineeship_of

from .test_fixed_queries import PERSONAS, _grow


def _scans(client) -> list[str]:
    """The queries of the home page that read the ongoing traineeships with their feedback."""
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    return [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith('SELECT "training_traineeship"."id"')
        and "feedback_feedback" in q["sql"]
        and '"training_traineeship"."id" IN' not in q["sql"]
    ]


def test_the_trainees_are_read_once_and_again_after_a_change(world, rules, own_client, home):
    traineeship = traineeship_of(world)  # no feedback for 90 days
    client = own_client(world.office)
    assert _scans(client), "the first page reads every ongoing trainee"
    assert _scans(client) == [], "the next one uses what it found"
    give(world.university_supervisor, traineeship)
    assert _scans(client), "feedback given: read again"
    item = home(world.office).item("trainees_office", "at_risk", "Tim Trainee")
    assert item.reasons == ["no feedback: hospital 90 days"]


def test_each_coordinator_has_their_own_hospital_s_list(world, rules, home):
    traineeship_of(world)  # hospital A
    traineeship_of(world, trainee=UserFactory(full_name="Bea Other"), hospital=world.hospital_b)
    office = home(world.office).group("trainees_office", "at_risk")
    assert sorted(i.label for i in office.items) == ["Bea Other", "Tim Trainee"]
    a = home(world.coordinator_a).group("trainees_coordinator", "at_risk")
    b = home(world.coordinator_b).group("trainees_coordinator", "at_risk")
    assert [i.label for i in a.items] == ["Tim Trainee"]
    assert [i.label for i in b.items] == ["Bea Other"]


def test_a_supervisor_s_trainees_waiting_for_feedback_are_their_own(world, rules, home):
    traineeship_of(world)  # Sara supervises in hospital A
    traineeship_of(world, trainee=UserFactory(full_name="Bea Other"), hospital=world.hospital_b)
    mine = home(world.supervisor_a).sections["feedback_overdue"].context["rows"]
    assert [t.trainee.full_name for t, _cadence in mine] == ["Tim Trainee"]
    office = home(world.office).sections["feedback_overdue"].context["rows"]
    assert sorted(t.trainee.full_name for t, _cadence in office) == ["Bea Other", "Tim Trainee"]


def test_the_office_s_figures_of_people_follow_a_new_person_and_a_new_role(world, home):
    def figures() -> tuple[int, int]:
        context = home(world.office).sections["programme_office"].context
        return context["people_count"], context["people_without_role_count"]

    people, without_role = figures()
    newcomer = UserFactory(full_name="Nora Newcomer")
    assert figures() == (people + 1, without_role + 1)
    Role.objects.create(user=newcomer, organisation=world.hospital_a, kind=RoleKind.MEDICAL_DOCTOR)
    assert figures() == (people + 1, without_role)


def test_the_trainee_s_open_requirements_follow_each_sign_off(world, catalogue, rules, home):
    record_ = record_for(world, catalogue)  # two years in, nothing signed off yet
    sufficient_assessment(world, record_.traineeship)
    signed_review(world, record_.traineeship)

    def unmet() -> int:
        return home(world.trainee_a).sections["training"].context["requirements_unmet"]

    assert unmet() > 0
    assert unmet() > 0  # the same, kept
    sign_off_all(record_)
    assert unmet() == 0


# --- The whole home page is kept, and every table it reads invalidates it ---

_TABLE = re.compile(r'(?:FROM|JOIN)\s+"(\w+)"')


def _tables_read(person) -> set[str]:
    with CaptureQueriesContext(connection) as queries:
        home_sections(person)
    return {table for q in queries.captured_queries for table in _TABLE.findall(q["sql"])}


def test_the_kept_home_page_names_every_table_its_sections_read(world, catalogue, rules):
    """Every table any role's home page reads is watched: a write to it shows at once."""
    tim = traineeship_of(world)
    approved_plan(tim, catalogue)
    record(first_progress(tim), world.university_supervisor)
    _grow(world, catalogue, 1)
    read = set().union(*(_tables_read(getattr(world, persona)) for persona in PERSONAS))
    watched = {model._meta.db_table for model in READS}
    assert read, "the home pages read something"
    assert read - watched == set(), "read by a home page but not in core.home.READS"


def test_the_page_is_kept_until_something_it_shows_changes(world, rules, own_client):
    ProgrammeSettings.current()  # made on first use, which is a change
    traineeship = traineeship_of(world)
    client = own_client(world.supervisor_a)
    cache.clear()
    with CaptureQueriesContext(connection) as first:
        page = client.get("/")
    computed = len(first)  # read now: the next request outside a capture resets the log
    assert "Tim Trainee" in page.content.decode()
    with CaptureQueriesContext(connection) as again:
        client.get("/")
    assert len(again) < computed / 2, "nothing changed: the sections come from the cache"

    # A write that skips the model signals still counts.
    type(traineeship.trainee).objects.filter(pk=traineeship.trainee_id).update(
        full_name="Tim Renamed"
    )
    page = client.get("/").content.decode()
    assert "Tim Renamed" in page
    assert "Tim Trainee" not in page


def test_each_person_has_their_own_kept_page(world, rules, own_client):
    traineeship_of(world)
    own_hospital = own_client(world.coordinator_a).get("/").content.decode()
    other_hospital = own_client(world.coordinator_b).get("/").content.decode()
    assert "Tim Trainee" in own_hospital
    assert "Tim Trainee" not in other_hospital
