"""Progress against time: EC earned (signed off only), planned and required per category, what is
overdue, and the expected end date, which moves with leave and extensions. The traineeship is
active, on leave, extended or discontinued; when it starts, its position moves to in training."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from qme.audit.models import AuditEvent
from qme.core.errors import ActionRefused
from qme.positions.models import Position, PositionStatus
from qme.selection import services as selection
from qme.selection.models import Offer
from qme.training import selectors, services, tasks
from qme.training.models import ItemKind, Traineeship, TraineeshipStatus
from tests.selection.factories import approved_decision, procedure_for
from tests.selection.factories import fresh as fresh_person

from .factories import approved_plan, item_titled, recorded, signed_off, traineeship_of
from .helpers import messages_of, snapshot, text


def _travel_to(time_machine, day: dt.date) -> None:
    time_machine.move_to(
        dt.datetime.combine(day, dt.time(9), tzinfo=timezone.get_current_timezone()), tick=False
    )


def _categories(progress) -> dict[str, tuple[Decimal, Decimal, Decimal]]:
    return {c.kind: (c.earned, c.planned, c.required) for c in progress.categories}


class TestCredits:
    def test_earned_counts_signed_off_items_only(self, world, catalogue, traineeship):
        plan = approved_plan(traineeship, catalogue)
        signed_off(traineeship, item_titled(plan, "Medical device regulation"))
        recorded(traineeship, item_titled(plan, "Clinical epidemiology"))  # waiting
        sent_back = recorded(traineeship, item_titled(plan, "Communicating with clinicians"))
        services.send_back(actor=world.office, record=sent_back, comment="No certificate.")

        progress = selectors.progress(traineeship)
        assert (progress.earned, progress.planned, progress.required) == (
            Decimal(5),
            Decimal(120),
            Decimal(120),
        )
        assert progress.remaining == Decimal(115)
        assert _categories(progress) == {
            ItemKind.DESIGN_PROJECT: (0, 60, 60),
            ItemKind.COURSE: (5, 40, 30),
            ItemKind.WORKSHOP: (0, 2, 0),
            ItemKind.TRAINING: (0, 6, 0),
            ItemKind.CLINICAL_PROJECT: (0, 12, 10),
        }
        assert [r.title for r in progress.waiting] == ["Clinical epidemiology"]

    def test_the_page_shows_the_summary_per_category(
        self, world, client_for, catalogue, traineeship
    ):
        plan = approved_plan(traineeship, catalogue)
        signed_off(traineeship, item_titled(plan, "Clinical project: dose audit"))
        response = client_for(world.trainee_a).get(f"/training/{traineeship.pk}/")
        page = text(response)
        assert "Your training" in page
        assert "12 / 120" in page  # earned of the required
        assert "EC still to earn" in page
        rows = {c.kind: c for c in response.context["progress"].categories}
        assert rows[ItemKind.CLINICAL_PROJECT].earned == Decimal(12)
        # The timeline has a bar for every component.
        assert len(response.context["timeline"]["rows"]) == 7
        assert page.count('class="timeline-bar kind-') == 7

    def test_without_a_plan_nothing_is_planned(self, world, client_for, traineeship):
        progress = selectors.progress(traineeship)
        assert (progress.earned, progress.planned, progress.required) == (0, 0, Decimal(120))
        page = text(client_for(world.trainee_a).get(f"/training/{traineeship.pk}/"))
        assert "No approved plan yet." in page


class TestOverdue:
    def test_items_past_their_planned_end_and_not_signed_off_are_late(
        self, world, client_for, catalogue, traineeship, time_machine
    ):
        plan = approved_plan(traineeship, catalogue)
        start = traineeship.start_date
        signed_off(traineeship, item_titled(plan, "Medical device regulation"))  # ends day 60
        # Today is day 90: the epidemiology course (day 80) is late; the workshop (day 101) not.
        assert [i.title for i in selectors.progress(traineeship).overdue] == [
            "Clinical epidemiology"
        ]
        _travel_to(time_machine, start + dt.timedelta(days=101))
        assert [i.title for i in selectors.progress(traineeship).overdue] == [
            "Clinical epidemiology"
        ]
        _travel_to(time_machine, start + dt.timedelta(days=102))
        late = [i.title for i in selectors.progress(traineeship).overdue]
        assert late == ["Clinical epidemiology", "Communicating with clinicians"]
        page = text(client_for(world.trainee_a).get(f"/training/{traineeship.pk}/"))
        assert "Late" in page
        assert "Communicating with clinicians — planned to end" in page


class TestExpectedEnd:
    def test_it_moves_with_leave_and_extensions(self, world, client_for, traineeship):
        start = traineeship.start_date
        assert traineeship.expected_end_date == start + dt.timedelta(days=730)
        client = client_for(world.office)
        response = client.post(
            f"/training/{traineeship.pk}/leave/",
            {
                "kind": "sick",
                "starts_on": (start + dt.timedelta(days=10)).isoformat(),
                "ends_on": (start + dt.timedelta(days=23)).isoformat(),  # 14 days
                "note": "Flu and recovery",
            },
            follow=True,
        )
        assert "The leave has been recorded; the expected end date moves with it." in (
            messages_of(response)
        )
        traineeship.refresh_from_db()
        assert traineeship.expected_end_date == start + dt.timedelta(days=744)
        response = client.post(
            f"/training/{traineeship.pk}/extend/",
            {"days": "60", "reason": "More time for the validation study."},
            follow=True,
        )
        assert "The extension has been granted." in messages_of(response)
        traineeship.refresh_from_db()
        assert traineeship.expected_end_date == start + dt.timedelta(days=804)
        assert selectors.progress(traineeship).expected_end == traineeship.expected_end_date
        assert traineeship.status == TraineeshipStatus.EXTENDED
        page = text(response)
        assert "Sick leave" in page
        assert "(14 days)" in page
        assert "Extended by 60 days: More time for the validation study." in page
        events = AuditEvent.objects.filter(target_id=str(traineeship.pk))
        assert {"traineeship.leave_recorded", "traineeship.extended"} <= set(
            events.values_list("action", flat=True)
        )

    def test_leave_does_not_overlap_leave(self, world, traineeship):
        today = timezone.localdate()
        services.record_leave(
            actor=world.office,
            traineeship=traineeship,
            kind="parental",
            starts_on=today + dt.timedelta(days=10),
            ends_on=today + dt.timedelta(days=40),
        )
        before = snapshot()
        with pytest.raises(Exception, match="overlaps"):
            services.record_leave(
                actor=world.office,
                traineeship=traineeship,
                kind="sick",
                starts_on=today + dt.timedelta(days=40),
                ends_on=today + dt.timedelta(days=41),
            )
        assert snapshot() == before

    @pytest.mark.parametrize("persona", ["trainee_a", "university_supervisor", "coordinator_a"])
    def test_only_the_office_records_leave_and_extensions(
        self, world, client_for, traineeship, persona
    ):
        client = client_for(getattr(world, persona))
        before = snapshot()
        for path, data in [
            ("leave", {"kind": "sick", "starts_on": "2025-01-01", "ends_on": "2025-01-02"}),
            ("extend", {"days": "30", "reason": "Why not."}),
            ("discontinue", {"reason": "Why not."}),
        ]:
            assert client.get(f"/training/{traineeship.pk}/{path}/").status_code == 403
            assert client.post(f"/training/{traineeship.pk}/{path}/", data).status_code == 403
        assert snapshot() == before


class TestStatuses:
    def test_on_leave_while_the_leave_runs(self, world, traineeship, time_machine):
        today = timezone.localdate()
        services.record_leave(
            actor=world.office,
            traineeship=traineeship,
            kind="parental",
            starts_on=today + dt.timedelta(days=7),
            ends_on=today + dt.timedelta(days=118),
        )
        traineeship.refresh_from_db()
        assert traineeship.status == TraineeshipStatus.ACTIVE  # the leave has not begun
        _travel_to(time_machine, today + dt.timedelta(days=7))
        tasks.start_due_traineeships.call()
        traineeship.refresh_from_db()
        assert traineeship.status == TraineeshipStatus.ON_LEAVE
        _travel_to(time_machine, today + dt.timedelta(days=119))
        tasks.start_due_traineeships.call()
        traineeship.refresh_from_db()
        assert traineeship.status == TraineeshipStatus.ACTIVE

    def test_leave_that_runs_now_puts_the_traineeship_on_leave_at_once(self, world, traineeship):
        today = timezone.localdate()
        services.record_leave(
            actor=world.office,
            traineeship=traineeship,
            kind="sick",
            starts_on=today - dt.timedelta(days=2),
            ends_on=today + dt.timedelta(days=5),
        )
        traineeship.refresh_from_db()
        assert traineeship.status == TraineeshipStatus.ON_LEAVE

    def test_extended_after_leave_when_extended(self, world, traineeship, time_machine):
        today = timezone.localdate()
        services.record_leave(
            actor=world.office,
            traineeship=traineeship,
            kind="other",
            starts_on=today,
            ends_on=today + dt.timedelta(days=3),
        )
        services.grant_extension(
            actor=world.office, traineeship=traineeship, days=30, reason="Catch up after leave."
        )
        traineeship.refresh_from_db()
        assert traineeship.status == TraineeshipStatus.ON_LEAVE
        _travel_to(time_machine, today + dt.timedelta(days=4))
        tasks.start_due_traineeships.call()
        traineeship.refresh_from_db()
        assert traineeship.status == TraineeshipStatus.EXTENDED

    def test_discontinued_with_a_reason(self, world, client_for, traineeship):
        client = client_for(world.office)
        before = snapshot()
        response = client.post(f"/training/{traineeship.pk}/discontinue/", {"reason": "   "})
        assert response.context["form"].errors["reason"]
        assert snapshot() == before
        response = client.post(
            f"/training/{traineeship.pk}/discontinue/",
            {"reason": "Left for a position abroad."},
            follow=True,
        )
        assert "The traineeship has been discontinued." in messages_of(response)
        traineeship.refresh_from_db()
        assert traineeship.status == TraineeshipStatus.DISCONTINUED
        assert traineeship.status_reason == "Left for a position abroad."
        assert "Left for a position abroad." in text(response)
        event = AuditEvent.objects.get(action="traineeship.discontinued")
        assert (event.actor, event.reason) == (world.office, "Left for a position abroad.")

        # Once ended: no leave, no extension, no second discontinuation.
        before = snapshot()
        response = client.post(
            f"/training/{traineeship.pk}/discontinue/", {"reason": "Again."}, follow=True
        )
        assert "This traineeship has already ended." in text(response)
        with pytest.raises(ActionRefused):
            services.grant_extension(
                actor=world.office, traineeship=traineeship, days=10, reason="Late."
            )
        with pytest.raises(ActionRefused):
            services.record_leave(
                actor=world.office,
                traineeship=traineeship,
                kind="sick",
                starts_on=timezone.localdate(),
                ends_on=timezone.localdate(),
            )
        assert snapshot() == before
        # The leave task leaves it alone.
        tasks.start_due_traineeships.call()
        traineeship.refresh_from_db()
        assert traineeship.status == TraineeshipStatus.DISCONTINUED

    def test_a_discontinued_trainee_may_start_again(self, world, traineeship):
        services.discontinue(actor=world.office, traineeship=traineeship, reason="Moved away.")
        again = traineeship_of(world, start=timezone.localdate())
        assert again.status == TraineeshipStatus.ACTIVE
        with pytest.raises(ActionRefused, match="already has a traineeship"):
            traineeship_of(world)


class TestStarting:
    def test_an_accepted_offer_starts_the_traineeship_and_the_position_follows_on_the_day(
        self, world, rules, time_machine
    ):
        proc = procedure_for(world)
        approved_decision(proc)
        offer = Offer.objects.get()
        selection.respond_to_offer(actor=fresh_person(world.applicant), offer=offer, accept=True)
        position = Position.objects.get(pk=proc.position.pk)
        traineeship = Traineeship.objects.get(trainee=world.applicant)
        assert traineeship.position == position
        assert (traineeship.hospital, traineeship.university) == (
            position.hospital,
            position.university,
        )
        assert traineeship.start_date == position.start_date
        assert traineeship.curriculum == rules
        assert traineeship.design_project.milestones.count() == 6
        assert position.status == PositionStatus.FILLED

        _travel_to(time_machine, position.start_date - dt.timedelta(days=1))
        assert services.start_due_traineeships() == 0
        _travel_to(time_machine, position.start_date)
        assert tasks.start_due_traineeships.call() == 1
        position.refresh_from_db()
        assert position.status == PositionStatus.IN_TRAINING
        assert AuditEvent.objects.filter(
            action="position.in_training", target_id=str(position.pk)
        ).exists()
        assert services.start_due_traineeships() == 0  # once

    def test_a_traineeship_discontinued_before_it_starts_does_not_start(
        self, world, rules, time_machine
    ):
        proc = procedure_for(world)
        approved_decision(proc)
        selection.respond_to_offer(
            actor=fresh_person(world.applicant), offer=Offer.objects.get(), accept=True
        )
        traineeship = Traineeship.objects.get(trainee=world.applicant)
        services.discontinue(
            actor=world.office, traineeship=traineeship, reason="Chose another job."
        )
        _travel_to(time_machine, traineeship.start_date + dt.timedelta(days=1))
        assert services.start_due_traineeships() == 0
        assert Position.objects.get(pk=proc.position.pk).status == PositionStatus.FILLED

    def test_the_office_creates_one_for_a_trainee_who_started_before_the_system(
        self, world, client_for, rules
    ):
        client = client_for(world.office)
        start = timezone.localdate() - dt.timedelta(days=400)
        response = client.post(
            "/training/new/",
            {
                "trainee": world.trainee_a.pk,
                "hospital": world.hospital_a.pk,
                "university": world.university.pk,
                "start_date": start.isoformat(),
                "university_supervisor": world.university_supervisor.pk,
                "hospital_supervisor": world.supervisor_a.pk,
                "medical_doctor": world.doctor_a.pk,
                "design_project_title": "Smart infusion pumps",
            },
            follow=True,
        )
        assert "The traineeship has been created." in messages_of(response)
        traineeship = Traineeship.objects.get()
        assert (traineeship.start_date, traineeship.status) == (start, "active")
        assert traineeship.position is None
        project = traineeship.design_project
        assert project.title == "Smart infusion pumps"
        assert project.clinical_partner == world.doctor_a
        # Creating it again for the same trainee is refused.
        before = snapshot()
        response = client.post(
            "/training/new/",
            {
                "trainee": world.trainee_a.pk,
                "hospital": world.hospital_a.pk,
                "university": world.university.pk,
                "start_date": start.isoformat(),
            },
        )
        assert "This person already has a traineeship." in text(response)
        assert snapshot() == before
