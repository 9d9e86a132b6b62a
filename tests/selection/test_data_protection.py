"""Data protection: four weeks after a position's procedure ends, the documents and personal data
of applicants who were not hired are deleted by a scheduled task; with their consent, after one
year; the hired candidate's stay. Nothing else is deleted: other applications, the numbers of the
scores, and the audit trail, which keeps that a deletion happened and not the data."""

from __future__ import annotations

import datetime as dt
import os

import pytest
import time_machine
from django.apps import apps
from django.db import connection
from django.utils import timezone

from qme.accounts.models import User
from qme.audit.models import AuditEvent
from qme.positions import services as position_services
from qme.selection import services, tasks
from qme.selection.models import (
    Application,
    ApplicationStatus,
    ConflictOfInterest,
    ReasonRequest,
    Score,
)
from tests.positions.factories import open_position

from .factories import (
    approved_decision,
    fresh,
    pdf_upload,
    procedure_for,
    score,
)

WEEK = dt.timedelta(weeks=1)
MINUTE = dt.timedelta(minutes=1)

#: What Bram gave: none of it may remain anywhere once his data is deleted.
BRAM = {
    "phone": "+31 6 9876 0001",
    "city": "Oldenzaal-Noord",
    "master_field": "Mechatronica van Bram",
    "master_university": "Universiteit van Bramland",
}


def everything_in_the_database() -> str:
    """Every value of every row of every table, as text."""
    tables = set(connection.introspection.table_names())
    return "\n".join(
        str(row)
        for model in apps.get_models()
        if model._meta.db_table in tables
        for row in model._default_manager.all().values_list()
    )


def _apply_through_the_pages(client, position, fields, *, keep: bool) -> Application:
    client.post(f"/positions/{position.pk}/apply/")
    application = Application.objects.get(
        position=position, applicant_id=client.session["_auth_user_id"]
    )
    data = {
        **fields,
        "master_date": (position.start_date - dt.timedelta(days=60)).isoformat(),
        "master_completed": "on",
        "dutch_level": "C1",
        "dutch_evidence_kind": "certificate",
        "dutch_certificate_date": "2025-05-05",
    }
    if keep:
        data["keep_for_a_year"] = "on"
    response = client.post(f"/applications/{application.pk}/edit/", data)
    assert response.status_code == 302
    for kind in ("cv", "motivation", "diploma", "dutch_evidence"):
        client.post(
            f"/applications/{application.pk}/documents/{kind}/upload/", {"file": pdf_upload()}
        )
    client.post(f"/applications/{application.pk}/submit/")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    return application


@pytest.fixture
def ended(world, own_client):
    """A procedure that ended when Anna accepted the offer. Bram (no consent) and Chloë (consent
    to be kept a year) were not hired; Bram applied through the pages, was scored, had a member
    declare a conflict, asked for the reasons and got them. Dora applied for another position
    that is still open."""
    start = _soon()
    with time_machine.travel(start, tick=False):
        proc = procedure_for(world, candidates=1)
        bram_person = User.objects.create(
            email="bram.bakker@example.net", full_name="Bram Bakker", language="en"
        )
        bram = _apply_through_the_pages(own_client(bram_person), proc.position, BRAM, keep=False)
        chloe_person = User.objects.create(
            email="chloe.claes@example.net", full_name="Chloë Claes", language="en"
        )
        chloe = _apply_through_the_pages(
            own_client(chloe_person),
            proc.position,
            {"phone": "0611", "city": "Hengelo", "master_field": "EE", "master_university": "UT"},
            keep=True,
        )
        proc.candidates += [bram, chloe]
        services.declare_conflict(
            actor=fresh(proc.uni_member), application=bram, reason="Bram Bakker is my nephew."
        )
        for member in (proc.uni_chair, proc.hos_chair, proc.hos_member):
            score(proc.stage(), bram, member, 2, justification="Bram's thesis lacks depth")
        other = open_position(world)
        dora = services.start_application(
            actor=User.objects.create(email="dora@example.net", full_name="Dora Dijk"),
            position=other,
        )
        decision = approved_decision(proc)
        offer = decision.offers.get()
    ended_at = start + dt.timedelta(days=2)
    with time_machine.travel(ended_at, tick=False):
        services.respond_to_offer(
            actor=fresh(proc.candidates[0].applicant), offer=offer, accept=True
        )
        bram.refresh_from_db()
        request = services.ask_reasons(actor=fresh(bram.applicant), application=bram)
        services.answer_reasons(
            actor=fresh(proc.uni_chair), request=request, answer="Bram showed little design work."
        )
    proc.refresh()
    dora.refresh_from_db()
    return proc, ended_at, dora


def _soon() -> dt.datetime:
    """A moment shortly ahead (the personas' roles start today, so not in the past)."""
    return (timezone.now() + dt.timedelta(days=1)).replace(microsecond=0)


def _files(application: Application) -> list[str]:
    return [
        getattr(application, kind).path for kind in services.DOCUMENTS if getattr(application, kind)
    ]


def _run(at: dt.datetime) -> int:
    with time_machine.travel(at, tick=False):
        return tasks.delete_expired_applicant_data.enqueue().return_value


class TestTiming:
    def test_it_waits_four_weeks_after_the_procedure_without_consent(self, ended):
        proc, ended_at, _dora = ended
        _anna, bram, _chloe = proc.candidates
        assert _run(ended_at + 4 * WEEK - MINUTE) == 0
        assert Application.objects.filter(data_deleted_at__isnull=False).count() == 0
        assert _run(ended_at + 4 * WEEK) == 1
        deleted = Application.objects.get(data_deleted_at__isnull=False)
        assert deleted == bram
        assert deleted.data_deleted_at == ended_at + 4 * WEEK

    def test_it_waits_a_year_with_consent(self, ended):
        proc, ended_at, _dora = ended
        _anna, _bram, chloe = proc.candidates
        _run(ended_at + 4 * WEEK)
        assert _run(ended_at + dt.timedelta(days=365) - MINUTE) == 0
        assert Application.objects.get(pk=chloe.pk).data_deleted_at is None
        assert _run(ended_at + dt.timedelta(days=365)) == 1
        assert Application.objects.get(pk=chloe.pk).data_deleted_at is not None

    def test_it_waits_four_weeks_again_once_consent_is_withdrawn(self, ended):
        proc, ended_at, _dora = ended
        chloe = proc.candidates[2]
        services.set_consent(actor=fresh(chloe.applicant), application=chloe, keep_for_a_year=False)
        assert _run(ended_at + 4 * WEEK) == 2

    def test_it_never_touches_the_hired_candidate(self, ended):
        proc, ended_at, _dora = ended
        anna = proc.candidates[0]
        before = Application.objects.filter(pk=anna.pk).values().get()
        files = _files(anna)
        _run(ended_at + dt.timedelta(days=800))
        assert Application.objects.filter(pk=anna.pk).values().get() == before
        assert all(os.path.exists(path) for path in files)
        assert User.objects.get(pk=anna.applicant_id).is_active

    def test_it_does_not_touch_a_procedure_still_running(self, ended):
        _proc, ended_at, dora = ended
        _run(ended_at + dt.timedelta(days=800))
        assert Application.objects.get(pk=dora.pk).data_deleted_at is None

    def test_it_ends_the_procedure_of_a_cancelled_position_too(self, world):
        start = _soon()
        with time_machine.travel(start, tick=False):
            proc = procedure_for(world, candidates=2)
            position_services.cancel_position(
                actor=fresh(world.office), position=proc.position, reason="No funding."
            )
        assert _run(start + 4 * WEEK - MINUTE) == 0
        assert _run(start + 4 * WEEK) == 2

    def test_it_deletes_once(self, ended):
        _proc, ended_at, _dora = ended
        assert _run(ended_at + 4 * WEEK) == 1
        events = AuditEvent.objects.count()
        assert _run(ended_at + 5 * WEEK) == 0
        assert AuditEvent.objects.count() == events


class TestWhatIsDeleted:
    def test_it_deletes_the_documents_and_personal_details(self, ended):
        proc, ended_at, _dora = ended
        bram = proc.candidates[1]
        files = _files(bram)
        assert len(files) == 4
        _run(ended_at + 4 * WEEK)
        assert not any(os.path.exists(path) for path in files)
        bram.refresh_from_db()
        assert bram.documents == []
        for field in ("phone", "city", "master_field", "master_university"):
            assert getattr(bram, field) == ""
        assert bram.master_date is None
        assert bram.dutch_certificate_date is None
        # The account had nothing else: it is anonymised and cannot sign in.
        person = User.objects.get(pk=bram.applicant_id)
        assert not person.is_active
        assert not person.has_usable_password()
        assert "bram" not in person.email
        assert person.full_name == "Deleted applicant"

    def test_it_leaves_no_trace_of_the_data_anywhere(self, ended):
        _proc, ended_at, _dora = ended
        dump = everything_in_the_database()
        markers = [*BRAM.values(), "Bram Bakker", "bram.bakker@example.net", "Bram's thesis"]
        markers += ["Bram Bakker is my nephew.", "Bram showed little design work."]
        for marker in markers:
            assert marker in dump, marker  # the test would prove nothing otherwise
        _run(ended_at + 4 * WEEK)
        dump = everything_in_the_database()
        for marker in markers:
            assert marker not in dump, marker

    def test_it_keeps_that_it_happened_in_the_trail_and_not_the_data(self, ended):
        proc, ended_at, _dora = ended
        bram = proc.candidates[1]
        before = list(AuditEvent.objects.order_by("id").values_list("id", "action", "occurred_at"))
        _run(ended_at + 4 * WEEK)
        after = list(AuditEvent.objects.order_by("id").values_list("id", "action", "occurred_at"))
        assert after[: len(before)] == before
        [deletion] = after[len(before) :]
        event = AuditEvent.objects.get(pk=deletion[0])
        assert event.action == "application.data_deleted"
        assert event.target_id == str(bram.pk)
        assert event.actor is None
        assert (event.reason, event.data) == ("", {})

    def test_it_deletes_nothing_else(self, ended):
        proc, ended_at, _dora = ended
        _anna, bram, _chloe = proc.candidates
        others = list(Application.objects.exclude(pk=bram.pk).order_by("pk").values())
        values = sorted(Score.objects.values_list("sheet_id", "criterion_id", "value"))
        people = list(User.objects.exclude(pk=bram.applicant_id).order_by("pk").values())
        _run(ended_at + 4 * WEEK)
        assert list(Application.objects.exclude(pk=bram.pk).order_by("pk").values()) == others
        assert sorted(Score.objects.values_list("sheet_id", "criterion_id", "value")) == values
        assert list(User.objects.exclude(pk=bram.applicant_id).order_by("pk").values()) == people
        bram.refresh_from_db()
        assert bram.status == ApplicationStatus.REJECTED
        assert bram.score_sheets.count() == 3
        assert ConflictOfInterest.objects.filter(application=bram).exists()
        assert ReasonRequest.objects.filter(application=bram).exists()

    def test_it_keeps_the_account_of_an_applicant_with_another_application(self, ended, world):
        proc, ended_at, _dora = ended
        bram = proc.candidates[1]
        other = open_position(world)
        kept = services.start_application(actor=fresh(bram.applicant), position=other)
        _run(ended_at + 4 * WEEK)
        person = User.objects.get(pk=bram.applicant_id)
        assert person.is_active
        assert person.email == "bram.bakker@example.net"
        assert Application.objects.get(pk=kept.pk).data_deleted_at is None
        dump = everything_in_the_database()
        for marker in BRAM.values():
            assert marker not in dump, marker

    def test_it_keeps_the_numbers_for_the_committee(self, ended, own_client):
        proc, ended_at, _dora = ended
        bram = proc.candidates[1]
        _run(ended_at + 4 * WEEK)
        assert not Score.objects.filter(sheet__application=bram).exclude(justification="").exists()
        assert (
            sorted(Score.objects.filter(sheet__application=bram).values_list("value", flat=True))
            == [2] * 15
        )
