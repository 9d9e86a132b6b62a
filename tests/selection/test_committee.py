"""The committee: the programme office assigns it; it needs a member and a chair from the
university and from the hospital, each holding a role there; members declare a conflict of
interest per candidate and then do not score that candidate."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from qme.audit.models import AuditEvent
from qme.core.errors import ActionRefused
from qme.organisations.models import Role, RoleKind
from qme.selection import services
from qme.selection.models import CommitteeMember, ConflictOfInterest, ScoreSheet, Side
from qme.selection.selectors import stage_results
from tests.factories import person_with_role
from tests.positions.factories import open_position

from .factories import fresh, score
from .helpers import messages_of, snapshot, text


def _add(world, position, person, side, chair=False):
    return services.add_committee_member(
        actor=fresh(world.office), position=position, person=person, side=side, is_chair=chair
    )


class TestAssigning:
    def test_it_lets_the_office_assign_the_committee_on_its_page(self, world, client_for, emails):
        position = open_position(world)
        client = client_for(world.office)
        page = text(client.get(f"/selection/{position.pk}/committee/"))
        assert "The committee needs a member from the university." in page
        assert "The committee needs a member from the hospital." in page
        # The people to choose from hold a role at this position's university or hospital.
        assert "Ulla University" in page
        assert "Sara Supervisor" in page
        assert "Ben Coordinator" not in page
        with emails() as sent:
            response = client.post(
                f"/selection/{position.pk}/committee/",
                {"person": world.university_supervisor.pk, "side": "university", "is_chair": "on"},
                follow=True,
            )
        assert "The member has been added and told by e-mail." in messages_of(response)
        member = CommitteeMember.objects.get(position=position)
        assert (member.user, member.side, member.is_chair) == (
            world.university_supervisor,
            Side.UNIVERSITY,
            True,
        )
        [message] = sent
        assert message.to == ["ulla@example.org"]
        assert "selection committee" in message.subject
        assert f"/selection/{position.pk}/" in message.body
        event = AuditEvent.objects.get(action="committee.member_added")
        assert event.actor == world.office
        assert event.data == {"member": "Ulla University", "side": "university", "chair": True}
        # Assigning the first member gives the position the default procedure.
        assert [s.kind for s in position.stages.all()] == ["screening", "interview", "decision"]

    def test_it_names_what_the_committee_still_needs(self, world):
        position = open_position(world)
        assert services.committee_problems(position) == [
            "The committee needs a member from the university.",
            "The committee needs a member from the hospital.",
        ]
        _add(world, position, world.university_supervisor, Side.UNIVERSITY)
        _add(world, position, world.doctor_a, Side.HOSPITAL)
        assert services.committee_problems(position) == [
            "The committee needs a chair from the university.",
            "The committee needs a chair from the hospital.",
        ]
        _add(world, position, world.supervisor_a, Side.HOSPITAL, chair=True)
        assert services.committee_problems(position) == [
            "The committee needs a chair from the university."
        ]
        uni = person_with_role(RoleKind.UNIVERSITY_SUPERVISOR, world.university)
        _add(world, position, uni, Side.UNIVERSITY, chair=True)
        assert services.committee_problems(position) == []

    def test_it_shows_what_is_missing_on_the_procedure_page(self, world, client_for):
        position = open_position(world)
        _add(world, position, world.doctor_a, Side.HOSPITAL, chair=True)
        page = text(client_for(world.office).get(f"/selection/{position.pk}/"))
        assert "The committee needs a member from the university." in page
        assert "The committee needs a chair from the hospital." not in page

    @pytest.mark.parametrize(
        ("who", "side"),
        [
            ("coordinator_b", Side.HOSPITAL),  # a role at another hospital
            ("coordinator_b", Side.UNIVERSITY),
            ("doctor_a", Side.UNIVERSITY),  # a role at the hospital, not at the university
            ("university_supervisor", Side.HOSPITAL),
            ("applicant", Side.HOSPITAL),  # no role at all
        ],
    )
    def test_it_wants_members_to_hold_a_role_at_their_side(self, world, who, side):
        position = open_position(world)
        before = snapshot()
        with pytest.raises(ValidationError) as error:
            _add(world, position, getattr(world, who), side)
        assert "person" in error.value.message_dict
        assert snapshot() == before

    def test_it_does_not_count_an_ended_role(self, world):
        position = open_position(world)
        Role.objects.filter(user=world.doctor_a).update(
            starts_on=timezone.localdate() - dt.timedelta(days=400),
            ends_on=timezone.localdate() - dt.timedelta(days=1),
        )
        with pytest.raises(ValidationError):
            _add(world, position, world.doctor_a, Side.HOSPITAL)

    def test_it_refuses_someone_of_another_organisation_on_the_page(self, world, client_for):
        position = open_position(world)
        before = snapshot()
        response = client_for(world.office).post(
            f"/selection/{position.pk}/committee/",
            {"person": world.coordinator_b.pk, "side": "hospital"},
        )
        assert response.status_code == 200
        assert "person" in response.context["form"].errors
        response = client_for(world.office).post(
            f"/selection/{position.pk}/committee/",
            {"person": world.doctor_a.pk, "side": "university"},
        )
        assert "person" in response.context["form"].errors
        assert snapshot() == before

    def test_it_seats_a_person_once_and_one_chair_per_side(self, world):
        position = open_position(world)
        _add(world, position, world.supervisor_a, Side.HOSPITAL, chair=True)
        with pytest.raises(ActionRefused) as refusal:
            _add(world, position, world.supervisor_a, Side.HOSPITAL)
        assert refusal.value.code == "duplicate"
        with pytest.raises(ActionRefused) as refusal:
            _add(world, position, world.doctor_a, Side.HOSPITAL, chair=True)
        assert refusal.value.code == "duplicate_chair"
        assert position.committee.count() == 1

    @pytest.mark.parametrize("who", ["coordinator_a", "supervisor_a", "applicant", "board_member"])
    def test_it_lets_only_the_office_assign(self, world, client_for, who):
        position = open_position(world)
        _add(world, position, world.supervisor_a, Side.HOSPITAL, chair=True)
        before = snapshot()
        client = client_for(getattr(world, who))
        response = client.post(
            f"/selection/{position.pk}/committee/",
            {"person": world.doctor_a.pk, "side": "hospital"},
        )
        assert response.status_code in (403, 404)
        with pytest.raises(PermissionDenied):
            services.add_committee_member(
                actor=fresh(getattr(world, who)),
                position=position,
                person=world.doctor_a,
                side=Side.HOSPITAL,
            )
        assert snapshot() == before

    def test_it_removes_a_member_until_they_have_submitted_scores(self, world, proc, client_for):
        client = client_for(world.office)
        member = CommitteeMember.objects.get(position=proc.position, user=proc.hos_member)
        score(proc.stage(), proc.candidates[0], proc.hos_member, submit=False)
        response = client.post(
            f"/selection/{proc.position.pk}/committee/", {"remove": member.pk}, follow=True
        )
        assert "The member has been removed." in messages_of(response)
        assert not CommitteeMember.objects.filter(pk=member.pk).exists()
        chair = CommitteeMember.objects.get(position=proc.position, user=proc.uni_chair)
        score(proc.stage(), proc.candidates[0], proc.uni_chair)
        before = snapshot()
        response = client.post(
            f"/selection/{proc.position.pk}/committee/", {"remove": chair.pk}, follow=True
        )
        assert "has submitted scores" in " ".join(messages_of(response))
        assert snapshot() == before


class TestConflictOfInterest:
    def test_it_keeps_a_conflicted_member_from_scoring_that_candidate(
        self, world, proc, client_for
    ):
        anna, bram = proc.candidates[:2]
        stage = proc.stage()
        score(stage, anna, proc.hos_member, submit=False)  # a draft, dropped on declaring
        client = client_for(proc.hos_member)
        response = client.post(
            f"/selection/candidates/{anna.pk}/conflict/",
            {"reason": "She is my niece."},
            follow=True,
        )
        assert "You do not score this candidate." in " ".join(messages_of(response))
        conflict = ConflictOfInterest.objects.get()
        assert conflict.application == anna
        assert conflict.reason == "She is my niece."
        assert not ScoreSheet.objects.filter(application=anna).exists()
        page = text(client.get(f"/selection/candidates/{anna.pk}/"))
        assert "You declared a conflict of interest for this candidate" in page
        assert f"/selection/candidates/{anna.pk}/stages/{stage.pk}/score/" not in page
        before = snapshot()
        with pytest.raises(ActionRefused) as refusal:
            score(stage, anna, proc.hos_member)
        assert refusal.value.code == "conflict"
        response = client.post(
            f"/selection/candidates/{anna.pk}/stages/{stage.pk}/score/",
            {f"score_{c.pk}": "5" for c in stage.criteria.all()} | {"submit": "yes"},
            follow=True,
        )
        assert "conflict of interest" in " ".join(messages_of(response))
        assert snapshot() == before
        # The other candidates are scored as usual.
        score(stage, bram, proc.hos_member)
        event = AuditEvent.objects.get(action="committee.conflict_declared")
        assert event.reason == "She is my niece."

    def test_it_completes_a_candidate_without_the_conflicted_member(self, world, proc):
        anna = proc.candidates[0]
        services.declare_conflict(
            actor=fresh(proc.uni_member), application=anna, reason="Former student."
        )
        stage = proc.stage()
        for member in (proc.uni_chair, proc.hos_chair, proc.hos_member):
            score(stage, anna, member)
        [result] = [r for r in stage_results(stage, fresh(world.office)) if r.application == anna]
        assert (result.eligible_members, result.submitted) == (3, 3)
        assert result.complete
        assert result.visible
        [mine] = [r for r in stage_results(stage, fresh(proc.uni_member)) if r.application == anna]
        assert mine.conflicted
        assert not mine.visible
        assert mine.criteria == []

    def test_it_needs_a_reason_a_seat_and_no_submitted_scores_for_a_conflict(self, world, proc):
        anna = proc.candidates[0]
        before = snapshot()
        with pytest.raises(ActionRefused) as refusal:
            services.declare_conflict(actor=fresh(proc.hos_member), application=anna, reason=" ")
        assert refusal.value.code == "reason_required"
        with pytest.raises(PermissionDenied):
            services.declare_conflict(
                actor=fresh(world.coordinator_a), application=anna, reason="Colleague."
            )
        assert snapshot() == before
        score(proc.stage(), anna, proc.hos_member)
        before = snapshot()
        with pytest.raises(ActionRefused) as refusal:
            services.declare_conflict(
                actor=fresh(proc.hos_member), application=anna, reason="Too late."
            )
        assert refusal.value.code == "already_scored"
        assert snapshot() == before

    def test_it_keeps_one_conflict_when_declared_twice(self, world, proc):
        anna = proc.candidates[0]
        for _ in range(2):
            services.declare_conflict(
                actor=fresh(proc.hos_member), application=anna, reason="My niece."
            )
        assert ConflictOfInterest.objects.count() == 1
        assert AuditEvent.objects.filter(action="committee.conflict_declared").count() == 1

    def test_it_needs_a_reason_on_the_conflict_page(self, world, proc, client_for):
        anna = proc.candidates[0]
        before = snapshot()
        response = client_for(proc.hos_member).post(
            f"/selection/candidates/{anna.pk}/conflict/", {"reason": "   "}, follow=True
        )
        assert "Give a reason." in messages_of(response)
        assert snapshot() == before
