"""The individual training plan: the trainee drafts it from the catalogue and items of their own
and sees at once what it lacks; both supervisors approve it; a later change is a new version
with its differences from the approved one, approved again, and the old version stays in force
until then."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from qme.audit.models import AuditEvent
from qme.core.errors import ActionRefused
from qme.training import selectors, services
from qme.training.models import ItemKind, PlanItem, PlanStatus, Traineeship, TrainingPlan

from .factories import (
    add,
    approved_plan,
    complete_plan,
    item_titled,
    signed_off,
    submitted_plan,
    traineeship_of,
)
from .helpers import link_in, messages_of, snapshot, text


def _plan_url(traineeship) -> str:
    return f"/training/{traineeship.pk}/plan/"


class TestDrafting:
    def test_the_trainee_drafts_from_the_catalogue_and_own_items(
        self, world, client_for, catalogue, traineeship
    ):
        client = client_for(world.trainee_a)
        url = _plan_url(traineeship)
        assert "Draft your plan" in text(client.get(url))
        response = client.post(url, {"action": "start"}, follow=True)
        assert "A new version of your plan is ready to edit." in messages_of(response)
        plan = TrainingPlan.objects.get(traineeship=traineeship)
        assert (plan.version, plan.status) == (1, PlanStatus.DRAFT)

        start = traineeship.start_date
        # From the catalogue: kind, title and EC come from the catalogue item.
        response = client.post(
            url,
            {
                "action": "add",
                "catalogue_item": catalogue.regulation.pk,
                "planned_start": start + dt.timedelta(days=20),
                "planned_end": start + dt.timedelta(days=60),
            },
            follow=True,
        )
        assert "The item has been added." in messages_of(response)
        # An item of their own: an external course.
        client.post(
            url,
            {
                "action": "add",
                "kind": ItemKind.COURSE,
                "title": "External course: deep learning (Radboud)",
                "ec": "7.5",
                "planned_start": start + dt.timedelta(days=200),
                "planned_end": start + dt.timedelta(days=300),
            },
        )
        items = {i.title: i for i in plan.items.all()}
        regulation = items["Medical device regulation"]
        assert (regulation.kind, regulation.ec, regulation.catalogue_item) == (
            ItemKind.COURSE,
            Decimal(5),
            catalogue.regulation,
        )
        own = items["External course: deep learning (Radboud)"]
        assert (own.kind, own.ec, own.catalogue_item) == (ItemKind.COURSE, Decimal("7.5"), None)

        # The page says what is still missing.
        page = text(client.get(url))
        assert "What the plan still lacks" in page
        assert "The plan has 12.5 EC; the programme asks for 120.0 EC." in page
        assert "Design project: 0 EC planned, at least 60.0 EC required." in page
        assert "The mandatory component “Communicating with clinicians” is missing." in page
        assert "Medical device regulation” is missing" not in page

        response = client.post(url, {"action": "remove", "item": own.pk}, follow=True)
        assert "The item has been removed." in messages_of(response)
        assert list(plan.items.values_list("title", flat=True)) == ["Medical device regulation"]
        assert AuditEvent.objects.filter(action="plan.item_removed").count() == 1

    def test_it_names_everything_the_plan_lacks(self, world, catalogue, traineeship):
        plan = services.start_plan_version(actor=world.trainee_a, traineeship=traineeship)
        assert services.plan_problems(plan) == [
            "The plan has 0 EC; the programme asks for 120.0 EC.",
            "Design project: 0 EC planned, at least 60.0 EC required.",
            "Course: 0 EC planned, at least 30.0 EC required.",
            "Clinical project: 0 EC planned, at least 10.0 EC required.",
            "The mandatory component “Medical device regulation” is missing.",
            "The mandatory component “Communicating with clinicians” is missing.",
        ]
        start = traineeship.start_date
        add(
            plan,
            kind=ItemKind.DESIGN_PROJECT,
            title="Design project",
            ec=Decimal(60),
            planned_start=start,
            planned_end=start + dt.timedelta(days=600),
        )
        add(
            plan,
            catalogue_item=catalogue.regulation,
            planned_start=start,
            planned_end=start + dt.timedelta(days=30),
        )
        assert services.plan_problems(plan) == [
            "The plan has 65.0 EC; the programme asks for 120.0 EC.",
            "Course: 5.0 EC planned, at least 30.0 EC required.",
            "Clinical project: 0 EC planned, at least 10.0 EC required.",
            "The mandatory component “Communicating with clinicians” is missing.",
        ]
        # A course of the same title but not from the catalogue is not the mandatory component.
        add(
            plan,
            kind=ItemKind.WORKSHOP,
            title="Communicating with clinicians",
            ec=Decimal(2),
            planned_start=start,
            planned_end=start,
        )
        assert "The mandatory component “Communicating with clinicians” is missing." in (
            services.plan_problems(plan)
        )

    def test_a_complete_plan_meets_the_rules(self, world, client_for, catalogue, traineeship):
        plan = complete_plan(traineeship, catalogue)
        assert services.plan_problems(plan) == []
        page = text(client_for(world.trainee_a).get(_plan_url(traineeship)))
        assert "The plan meets the requirements of your cohort." in page

    def test_starting_twice_keeps_one_draft(self, world, client_for, traineeship):
        client = client_for(world.trainee_a)
        client.post(_plan_url(traineeship), {"action": "start"})
        client.post(_plan_url(traineeship), {"action": "start"})
        assert TrainingPlan.objects.filter(traineeship=traineeship).count() == 1
        assert AuditEvent.objects.filter(action="plan.drafted").count() == 1

    @pytest.mark.parametrize(
        "persona", ["university_supervisor", "supervisor_a", "coordinator_a", "office"]
    )
    def test_only_the_trainee_drafts_and_edits(self, world, catalogue, traineeship, persona):
        person = getattr(world, persona)
        with pytest.raises(PermissionDenied):
            services.start_plan_version(actor=person, traineeship=traineeship)
        plan = services.start_plan_version(actor=world.trainee_a, traineeship=traineeship)
        before = snapshot()
        with pytest.raises(PermissionDenied):
            services.add_plan_item(
                actor=person,
                plan=plan,
                catalogue_item=catalogue.regulation,
                planned_start=traineeship.start_date,
                planned_end=traineeship.start_date,
            )
        with pytest.raises(PermissionDenied):
            services.submit_plan(actor=person, plan=plan)
        assert snapshot() == before

    def test_the_trainee_changes_an_item_of_the_draft(self, world, catalogue, traineeship):
        plan = complete_plan(traineeship, catalogue)
        item = item_titled(plan, "Clinical project: dose audit")
        services.update_plan_item(
            actor=world.trainee_a,
            item=item,
            changes={"ec": Decimal(8), "planned_end": item.planned_end + dt.timedelta(days=30)},
        )
        item.refresh_from_db()
        assert item.ec == Decimal(8)
        assert "Clinical project: 8.0 EC planned, at least 10.0 EC required." in (
            services.plan_problems(plan)
        )
        with pytest.raises(ValidationError):
            services.update_plan_item(
                actor=world.trainee_a,
                item=item,
                changes={"planned_end": item.planned_start - dt.timedelta(days=1)},
            )
        with pytest.raises(ActionRefused):
            services.update_plan_item(actor=world.trainee_a, item=item, changes={"plan": None})


class TestApproval:
    def test_both_supervisors_approve(self, world, catalogue, traineeship, own_client, emails):
        plan = complete_plan(traineeship, catalogue)
        trainee = own_client(world.trainee_a)
        url = _plan_url(traineeship)
        with emails() as sent:
            response = trainee.post(
                url, {"action": "submit", "note": "As agreed at the kick-off."}, follow=True
            )
        assert "Your plan has been sent to both supervisors for approval." in messages_of(response)
        plan.refresh_from_db()
        assert plan.status == PlanStatus.SUBMITTED
        assert plan.change_note == "As agreed at the kick-off."
        assert sorted(m.to[0] for m in sent) == ["sara@example.org", "ulla@example.org"]
        assert all(
            m.subject.endswith("Training plan of Tim Trainee waits for your approval") for m in sent
        )
        assert link_in(sent[0]) == url
        # Submitted, the plan cannot change.
        with pytest.raises(ActionRefused):
            add(plan, catalogue_item=catalogue.design_methods, planned_start=dt.date(2030, 1, 1),
                planned_end=dt.date(2030, 1, 2))  # fmt: skip

        ulla = own_client(world.university_supervisor)
        page = text(ulla.get(url))
        assert "Approve the plan" in page
        assert "As agreed at the kick-off." in page
        response = ulla.post(url, {"action": "approve"}, follow=True)
        assert "Your approval has been recorded." in messages_of(response)
        plan.refresh_from_db()
        assert plan.status == PlanStatus.SUBMITTED  # still waiting for the hospital side
        assert plan.university_approved_by == world.university_supervisor
        assert "approved by Ulla University" in text(response)

        sara = own_client(world.supervisor_a)
        with emails() as sent:
            sara.post(url, {"action": "approve"})
        plan.refresh_from_db()
        assert plan.status == PlanStatus.APPROVED
        assert plan.hospital_approved_by == world.supervisor_a
        [message] = sent
        assert message.to == ["tim@example.org"]
        assert message.subject.endswith("Your training plan has been approved")
        assert AuditEvent.objects.filter(action="plan.approved").count() == 2

    def test_a_supervisor_approves_once(self, world, client_for, catalogue, traineeship):
        plan = submitted_plan(traineeship, catalogue)
        client = client_for(world.university_supervisor)
        client.post(_plan_url(traineeship), {"action": "approve"})
        before = snapshot()
        response = client.post(_plan_url(traineeship), {"action": "approve"}, follow=True)
        assert "You have already approved this plan." in messages_of(response)
        assert snapshot() == before
        plan.refresh_from_db()
        assert plan.status == PlanStatus.SUBMITTED
        assert plan.hospital_approved_at is None

    def test_the_doctor_may_approve_for_the_hospital_but_not_beside_the_supervisor(
        self, world, catalogue, traineeship
    ):
        plan = submitted_plan(traineeship, catalogue)
        services.approve_plan(actor=world.doctor_a, plan=plan)
        with pytest.raises(ActionRefused, match="already approved"):
            services.approve_plan(actor=world.supervisor_a, plan=plan)
        plan.refresh_from_db()
        assert (plan.status, plan.hospital_approved_by) == (PlanStatus.SUBMITTED, world.doctor_a)

    @pytest.mark.parametrize("persona", ["trainee_a", "coordinator_a", "office"])
    def test_others_who_see_the_plan_may_not_approve_it(
        self, world, client_for, catalogue, traineeship, persona
    ):
        submitted_plan(traineeship, catalogue)
        client = client_for(getattr(world, persona))
        page = text(client.get(_plan_url(traineeship)))
        assert "Approve the plan" not in page
        before = snapshot()
        assert client.post(_plan_url(traineeship), {"action": "approve"}).status_code == 403
        assert (
            client.post(
                _plan_url(traineeship), {"action": "send_back", "reason": "No."}
            ).status_code
            == 403
        )
        assert snapshot() == before

    @pytest.mark.parametrize("persona", ["coordinator_b", "applicant", "board_member"])
    def test_people_who_do_not_see_the_plan_get_a_404(
        self, world, client_for, catalogue, traineeship, persona
    ):
        submitted_plan(traineeship, catalogue)
        client = client_for(getattr(world, persona))
        before = snapshot()
        assert client.get(_plan_url(traineeship)).status_code == 404
        assert client.post(_plan_url(traineeship), {"action": "approve"}).status_code == 404
        assert snapshot() == before

    def test_a_supervisor_of_another_trainee_may_not_approve(self, world, catalogue, traineeship):
        other = traineeship_of(world, trainee=world.applicant, hospital=world.hospital_b)
        plan = submitted_plan(traineeship, catalogue)
        with pytest.raises(PermissionDenied):
            services.approve_plan(actor=other.hospital_supervisor, plan=plan)

    def test_a_draft_is_not_approved(self, world, catalogue, traineeship):
        plan = complete_plan(traineeship, catalogue)
        with pytest.raises(ActionRefused, match="not waiting for approval"):
            services.approve_plan(actor=world.university_supervisor, plan=plan)

    def test_sending_back_takes_a_reason_and_clears_the_approvals(
        self, world, client_for, catalogue, traineeship, emails
    ):
        plan = submitted_plan(traineeship, catalogue)
        services.approve_plan(actor=world.university_supervisor, plan=plan)
        client = client_for(world.supervisor_a)
        before = snapshot()
        response = client.post(
            _plan_url(traineeship), {"action": "send_back", "reason": "   "}, follow=True
        )
        assert "Say what should change." in messages_of(response)
        assert snapshot() == before
        with emails() as sent:
            client.post(
                _plan_url(traineeship),
                {"action": "send_back", "reason": "Plan the clinical project earlier."},
            )
        plan.refresh_from_db()
        assert plan.status == PlanStatus.DRAFT
        assert plan.university_approved_at is None
        [message] = sent
        assert message.to == ["tim@example.org"]
        assert "Plan the clinical project earlier." in message.body
        # The trainee changes it and sends it again: both approve anew.
        services.submit_plan(actor=world.trainee_a, plan=plan)
        services.approve_plan(actor=world.supervisor_a, plan=plan)
        plan.refresh_from_db()
        assert plan.status == PlanStatus.SUBMITTED

    def test_an_empty_plan_is_not_sent(self, world, client_for, traineeship):
        services.start_plan_version(actor=world.trainee_a, traineeship=traineeship)
        before = snapshot()
        response = client_for(world.trainee_a).post(
            _plan_url(traineeship), {"action": "submit"}, follow=True
        )
        assert "Add the components of your training first." in messages_of(response)
        assert snapshot() == before

    def test_sending_twice_sends_once(self, world, client_for, catalogue, traineeship, emails):
        complete_plan(traineeship, catalogue)
        client = client_for(world.trainee_a)
        with emails() as sent:
            client.post(_plan_url(traineeship), {"action": "submit"})
            response = client.post(_plan_url(traineeship), {"action": "submit"}, follow=True)
        assert len(sent) == 2  # one to each supervisor
        assert AuditEvent.objects.filter(action="plan.submitted").count() == 1
        assert response.status_code == 200


class TestVersions:
    def test_a_change_is_a_new_version_approved_again(
        self, world, client_for, own_client, catalogue, traineeship
    ):
        first = approved_plan(traineeship, catalogue)
        old_keys = set(first.items.values_list("key", flat=True))
        trainee = own_client(world.trainee_a)
        url = _plan_url(traineeship)
        assert "Change the plan (new version)" in text(trainee.get(url))
        trainee.post(url, {"action": "start"})
        second = TrainingPlan.objects.get(traineeship=traineeship, version=2)
        assert second.status == PlanStatus.DRAFT
        assert set(second.items.values_list("key", flat=True)) == old_keys  # a copy, same keys
        assert "No changes yet." in text(trainee.get(url))

        # Removed, added, changed.
        removed = item_titled(second, "Leadership in healthcare")
        trainee.post(url, {"action": "remove", "item": removed.pk})
        trainee.post(
            url,
            {
                "action": "add",
                "catalogue_item": catalogue.design_methods.pk,
                "planned_start": traineeship.start_date + dt.timedelta(days=400),
                "planned_end": traineeship.start_date + dt.timedelta(days=430),
            },
        )
        changed = item_titled(second, "Clinical project: dose audit")
        services.update_plan_item(actor=world.trainee_a, item=changed, changes={"ec": Decimal(16)})
        changes = services.plan_changes(second)
        assert [i.title for i in changes["added"]] == ["Design methodology"]
        assert [i.title for i in changes["removed"]] == ["Leadership in healthcare"]
        [(old, new, fields)] = changes["changed"]
        assert (old.ec, new.ec, fields) == (Decimal(12), Decimal(16), ["ec"])
        page = text(trainee.get(url))
        assert "Changes from the approved version" in page
        assert "version 1 is the approved one" in page

        # Until the new version is approved, the old one is in force.
        trainee.post(url, {"action": "submit", "note": "A methods course instead."})
        services.approve_plan(actor=world.university_supervisor, plan=second)
        first.refresh_from_db()
        second.refresh_from_db()
        assert (first.status, second.status) == (PlanStatus.APPROVED, PlanStatus.SUBMITTED)
        assert selectors.approved_plan(traineeship) == first
        assert selectors.progress(traineeship).planned == Decimal(120)

        services.approve_plan(actor=world.supervisor_a, plan=second)
        first.refresh_from_db()
        second.refresh_from_db()
        assert (first.status, second.status) == (PlanStatus.SUPERSEDED, PlanStatus.APPROVED)
        assert selectors.approved_plan(traineeship) == second
        assert selectors.progress(traineeship).planned == Decimal(122)

    def test_a_completed_item_stays_in_the_next_version(self, world, catalogue, traineeship):
        plan = approved_plan(traineeship, catalogue)
        item = item_titled(plan, "Medical device regulation")
        signed_off(traineeship, item)
        draft = services.start_plan_version(actor=world.trainee_a, traineeship=traineeship)
        copy = draft.items.get(key=item.key)
        with pytest.raises(ActionRefused, match="stays in the plan"):
            services.remove_plan_item(actor=world.trainee_a, item=copy)
        services.submit_plan(actor=world.trainee_a, plan=draft)
        services.approve_plan(actor=world.university_supervisor, plan=draft)
        services.approve_plan(actor=world.supervisor_a, plan=draft)
        # Credits follow the item's key into the new version.
        assert selectors.progress(traineeship).earned == Decimal(5)

    @pytest.mark.parametrize("status", ["completed", "discontinued"])
    def test_no_new_version_once_the_traineeship_has_ended(
        self, world, own_client, catalogue, traineeship, status
    ):
        approved_plan(traineeship, catalogue)
        if status == "discontinued":
            services.discontinue(actor=world.office, traineeship=traineeship, reason="Moved.")
        else:  # as issuing the diploma leaves it
            Traineeship.objects.filter(pk=traineeship.pk).update(status=status)
        before = snapshot()
        response = own_client(world.trainee_a).post(
            _plan_url(traineeship), {"action": "start"}, follow=True
        )
        assert response.status_code == 200
        assert "This traineeship has ended." in messages_of(response)
        assert snapshot() == before
        # The page no longer offers it.
        page = own_client(world.trainee_a).get(_plan_url(traineeship))
        assert 'value="start"' not in page.content.decode()

    def test_one_open_version_at_a_time(self, world, catalogue, traineeship):
        approved_plan(traineeship, catalogue)
        first = services.start_plan_version(actor=world.trainee_a, traineeship=traineeship)
        again = services.start_plan_version(actor=world.trainee_a, traineeship=traineeship)
        assert first == again
        assert TrainingPlan.objects.filter(traineeship=traineeship).count() == 2

    def test_a_superseded_item_cannot_be_changed(self, world, catalogue, traineeship):
        first = approved_plan(traineeship, catalogue)
        item = first.items.first()
        assert isinstance(item, PlanItem)
        with pytest.raises(ActionRefused, match="Only a draft plan can be changed"):
            services.update_plan_item(actor=world.trainee_a, item=item, changes={"ec": 1})
        with pytest.raises(ActionRefused):
            services.remove_plan_item(actor=world.trainee_a, item=item)
