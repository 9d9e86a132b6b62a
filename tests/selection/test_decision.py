"""The decision: the committee proposes an offer to one candidate with a ranked reserve list and a
rationale; the offer goes out only when both the university chair and the hospital chair have
approved; either can block it with a reason; the record keeps who approved, and when."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from qme.audit.models import AuditEvent
from qme.core.errors import ActionRefused
from qme.selection import services
from qme.selection.models import (
    Application,
    ApplicationStatus,
    Decision,
    DecisionStatus,
    Offer,
)

from .factories import close, fresh, proposed_decision, score, shortlisted
from .helpers import messages_of, snapshot, text


def _ready(proc):
    """Applications closed; everyone shortlisted."""
    close(proc.world, proc.position)
    shortlisted(proc)
    proc.refresh()
    return proc


def _deadline(days: int = 14) -> str:
    return (timezone.localdate() + dt.timedelta(days=days)).isoformat()


class TestProposing:
    def test_it_lets_a_member_propose_on_the_decision_page_and_asks_the_chairs(
        self, world, proc, own_client, emails
    ):
        anna, bram, chloe = _ready(proc).candidates
        client = own_client(proc.hos_member)
        page = text(client.get(f"/selection/{proc.position.pk}/decision/"))
        assert "Propose the decision" in page
        with emails() as sent:
            response = client.post(
                f"/selection/{proc.position.pk}/decision/",
                {
                    "candidate": bram.pk,
                    "reserves": [anna.pk, chloe.pk],
                    "rationale": "Bram's design portfolio convinced both sides.",
                    "offer_deadline": _deadline(),
                },
                follow=True,
            )
        assert "Both chairs must approve it." in " ".join(messages_of(response))
        decision = Decision.objects.get()
        assert decision.candidate == bram
        assert set(decision.reserves) == {anna.pk, chloe.pk}
        assert decision.rationale == "Bram's design portfolio convinced both sides."
        assert decision.status == DecisionStatus.PROPOSED
        assert decision.proposed_by == proc.hos_member
        assert sorted(m.to[0] for m in sent) == sorted(u.email for u in proc.chairs)
        assert all(f"/selection/{proc.position.pk}/decision/" in m.body for m in sent)
        event = AuditEvent.objects.get(action="decision.proposed")
        assert event.reason == "Bram's design portfolio convinced both sides."
        assert event.data == {"candidate": bram.pk, "reserves": decision.reserves}
        # Nobody is offered anything yet.
        assert not Offer.objects.exists()
        assert Application.objects.get(pk=bram.pk).status == ApplicationStatus.SHORTLISTED

    def test_it_ranks_the_ticked_reserves_as_the_committee_scored_them(
        self, world, proc, own_client
    ):
        anna, bram, chloe = _ready(proc).candidates
        stage = proc.stage()
        for member in proc.members:
            for candidate, value in ((anna, 5), (bram, 4), (chloe, 2)):
                score(stage, candidate, member, value)
        own_client(proc.hos_member).post(
            f"/selection/{proc.position.pk}/decision/",
            {
                "candidate": bram.pk,
                "reserves": [chloe.pk, anna.pk],
                "rationale": "Bram fits the hospital best.",
                "offer_deadline": _deadline(),
            },
        )
        assert Decision.objects.get().reserves == [anna.pk, chloe.pk]

    def test_it_keeps_the_rank_of_the_reserves(self, world, proc):
        anna, bram, chloe = _ready(proc).candidates
        decision = proposed_decision(proc, candidate=anna, reserves=[chloe, bram])
        assert decision.reserves == [chloe.pk, bram.pk]

    def test_it_waits_for_the_applications_to_close_before_a_decision(self, world, proc):
        shortlisted(proc)
        proc.refresh()
        before = snapshot()
        with pytest.raises(ActionRefused) as refusal:
            services.propose_decision(
                actor=fresh(proc.hos_member),
                position=proc.position,
                candidate=proc.candidates[0],
                reserves=[],
                rationale="Early.",
                offer_deadline=timezone.localdate() + dt.timedelta(days=7),
            )
        assert refusal.value.code == "invalid_state"
        assert snapshot() == before

    @pytest.mark.parametrize(
        ("case", "error", "field"),
        [
            ("submitted candidate", ValidationError, "candidate"),
            ("rejected reserve", ValidationError, "reserves"),
            ("twice", ValidationError, "reserves"),
            ("no rationale", ValidationError, "rationale"),
            ("deadline today", ValidationError, "offer_deadline"),
        ],
    )
    def test_it_refuses_a_proposal_that_does_not_hold(self, world, proc, case, error, field):
        close(world, proc.position)
        anna, bram, chloe = proc.candidates
        shortlisted(proc, anna, bram)
        services.reject(actor=fresh(world.office), applications=[chloe], reason="No.")
        proc.refresh()
        kwargs = {
            "candidate": anna,
            "reserves": [bram],
            "rationale": "The best.",
            "offer_deadline": timezone.localdate() + dt.timedelta(days=7),
        }
        if case == "submitted candidate":
            Application.objects.filter(pk=anna.pk).update(status="submitted")
        elif case == "rejected reserve":
            kwargs["reserves"] = [bram, chloe]
        elif case == "twice":
            kwargs["reserves"] = [bram, anna]
        elif case == "no rationale":
            kwargs["rationale"] = "  "
        else:
            kwargs["offer_deadline"] = timezone.localdate()
        before = snapshot()
        with pytest.raises(error) as raised:
            services.propose_decision(
                actor=fresh(proc.hos_member), position=proc.position, **kwargs
            )
        assert field in raised.value.message_dict
        assert snapshot() == before

    def test_it_takes_one_decision_at_a_time(self, world, proc):
        proposed_decision(proc)
        before = snapshot()
        with pytest.raises(ActionRefused) as refusal:
            proposed_decision(proc)
        assert refusal.value.code == "duplicate"
        assert snapshot() == before

    def test_it_lets_no_committee_without_both_chairs_decide(self, world, proc):
        from qme.selection.models import CommitteeMember

        _ready(proc)
        CommitteeMember.objects.filter(position=proc.position, user=proc.hos_chair).update(
            is_chair=False
        )
        with pytest.raises(ActionRefused) as refusal:
            proposed_decision(proc)
        assert refusal.value.code == "committee_incomplete"

    @pytest.mark.parametrize("who", ["office", "coordinator_a", "applicant"])
    def test_it_lets_only_members_propose(self, world, proc, who):
        _ready(proc)
        before = snapshot()
        with pytest.raises(PermissionDenied):
            services.propose_decision(
                actor=fresh(getattr(world, who)),
                position=proc.position,
                candidate=proc.candidates[0],
                reserves=[],
                rationale="Mine.",
                offer_deadline=timezone.localdate() + dt.timedelta(days=7),
            )
        assert snapshot() == before


class TestApproving:
    def test_it_sends_the_offer_only_when_both_chairs_approved(
        self, world, proc, own_client, emails
    ):
        decision = proposed_decision(proc)
        anna = proc.candidates[0]
        first = timezone.now().replace(microsecond=0) + dt.timedelta(hours=1)
        with time_machine.travel(first, tick=False), emails() as sent:
            response = own_client(proc.uni_chair).post(
                f"/selection/{proc.position.pk}/decision/{decision.pk}/",
                {"action": "approve"},
                follow=True,
            )
        assert "Your approval has been recorded." in messages_of(response)
        decision.refresh_from_db()
        assert decision.status == DecisionStatus.PROPOSED
        assert (decision.university_approved_by, decision.university_approved_at) == (
            proc.uni_chair,
            first,
        )
        assert decision.hospital_approved_at is None
        assert not Offer.objects.exists()
        assert Application.objects.get(pk=anna.pk).status == ApplicationStatus.SHORTLISTED
        assert sent == []
        second = first + dt.timedelta(hours=3)
        with time_machine.travel(second, tick=False), emails() as sent:
            own_client(proc.hos_chair).post(
                f"/selection/{proc.position.pk}/decision/{decision.pk}/", {"action": "approve"}
            )
        decision.refresh_from_db()
        assert decision.status == DecisionStatus.APPROVED
        assert (decision.hospital_approved_by, decision.hospital_approved_at) == (
            proc.hos_chair,
            second,
        )
        [offer] = Offer.objects.all()
        assert offer.application == anna
        assert offer.deadline == decision.offer_deadline
        assert Application.objects.get(pk=anna.pk).status == ApplicationStatus.OFFERED
        [message] = sent
        assert message.to == [anna.applicant.email]
        assert "You are offered" in message.subject
        # The record: rationale, approvers, times; the audit trail agrees.
        page = text(own_client(world.office).get(f"/selection/{proc.position.pk}/decision/"))
        assert "Strongest design ability and clinical affinity." in page
        assert "approved by Ulla University" in page
        assert "approved by Sara Supervisor" in page
        events = AuditEvent.objects.filter(action="decision.approved").order_by("id")
        assert [(e.actor, e.data["side"], e.occurred_at) for e in events] == [
            (proc.uni_chair, "university", first),
            (proc.hos_chair, "hospital", second),
        ]
        assert AuditEvent.objects.filter(action="offer.made", target_id=str(anna.pk)).exists()

    def test_it_lets_the_hospital_chair_approve_first(self, world, proc):
        decision = proposed_decision(proc)
        services.approve_decision(actor=fresh(proc.hos_chair), decision=decision)
        assert not Offer.objects.exists()
        decision = services.approve_decision(actor=fresh(proc.uni_chair), decision=decision)
        assert decision.status == DecisionStatus.APPROVED
        assert Offer.objects.count() == 1

    def test_it_lets_a_chair_approve_once(self, world, proc, own_client):
        decision = proposed_decision(proc)
        services.approve_decision(actor=fresh(proc.uni_chair), decision=decision)
        before = snapshot()
        with pytest.raises(ActionRefused) as refusal:
            services.approve_decision(actor=fresh(proc.uni_chair), decision=decision)
        assert refusal.value.code == "already_approved"
        response = own_client(proc.uni_chair).post(
            f"/selection/{proc.position.pk}/decision/{decision.pk}/",
            {"action": "approve"},
            follow=True,
        )
        assert "You have already approved." in messages_of(response)
        assert snapshot() == before

    def test_it_does_not_approve_an_approved_decision_again(self, world, proc):
        from .factories import approved_decision

        decision = approved_decision(proc)
        before = snapshot()
        for chair in proc.chairs:
            with pytest.raises(ActionRefused) as refusal:
                services.approve_decision(actor=fresh(chair), decision=decision)
            assert refusal.value.code == "invalid_state"
        assert snapshot() == before

    @pytest.mark.parametrize("who", ["uni_member", "hos_member", "office"])
    def test_it_lets_neither_members_nor_the_office_approve(self, world, proc, who, own_client):
        decision = proposed_decision(proc)
        person = getattr(proc, who, None) or getattr(world, who)
        before = snapshot()
        with pytest.raises(PermissionDenied, match="Only the chairs approve"):
            services.approve_decision(actor=fresh(person), decision=decision)
        with pytest.raises(PermissionDenied, match="Only the chairs can block"):
            services.block_decision(actor=fresh(person), decision=decision, reason="No.")
        for action in ({"action": "approve"}, {"action": "block", "reason": "No."}):
            response = own_client(person).post(
                f"/selection/{proc.position.pk}/decision/{decision.pk}/", action
            )
            assert response.status_code == 403
            assert "Your roles do not allow this." in text(response)
            # The page says why: only the chairs decide.
            assert "Only the chairs" in text(response)
        answer = own_client(person).post(
            f"/api/v1/decisions/{decision.pk}/approve", content_type="application/json"
        )
        assert answer.status_code == 403
        assert answer.json() == {
            "detail": "Only the chairs approve the decision.",
            "code": "forbidden",
        }
        assert snapshot() == before
        page = text(own_client(person).get(f"/selection/{proc.position.pk}/decision/"))
        assert 'value="approve"' not in page

    def test_it_shows_the_approve_button_to_the_chairs(self, world, proc, own_client):
        proposed_decision(proc)
        page = text(own_client(proc.uni_chair).get(f"/selection/{proc.position.pk}/decision/"))
        assert 'value="approve"' in page
        assert 'value="block"' in page


class TestBlocking:
    def test_it_lets_either_chair_block_with_a_reason(self, world, proc, own_client, emails):
        decision = proposed_decision(proc)
        services.approve_decision(actor=fresh(proc.uni_chair), decision=decision)
        client = own_client(proc.hos_chair)
        before = snapshot()
        response = client.post(
            f"/selection/{proc.position.pk}/decision/{decision.pk}/",
            {"action": "block", "reason": "  "},
            follow=True,
        )
        assert "Give the reason for blocking." in messages_of(response)
        assert snapshot() == before
        with emails() as sent:
            response = client.post(
                f"/selection/{proc.position.pk}/decision/{decision.pk}/",
                {
                    "action": "block",
                    "reason": "Her Dutch was not yet good enough in the interview.",
                },
                follow=True,
            )
        assert "The decision has been blocked" in " ".join(messages_of(response))
        decision.refresh_from_db()
        assert decision.status == DecisionStatus.BLOCKED
        assert decision.blocked_by == proc.hos_chair
        assert decision.blocked_at is not None
        assert decision.blocked_reason == "Her Dutch was not yet good enough in the interview."
        assert not Offer.objects.exists()
        assert sorted(m.to[0] for m in sent) == sorted(u.email for u in proc.members)
        assert all("Her Dutch was not yet good enough" in m.body for m in sent)
        event = AuditEvent.objects.get(action="decision.blocked")
        assert (event.actor, event.reason) == (
            proc.hos_chair,
            "Her Dutch was not yet good enough in the interview.",
        )
        # A blocked decision is neither approved nor blocked again.
        before = snapshot()
        with pytest.raises(ActionRefused):
            services.approve_decision(actor=fresh(proc.hos_chair), decision=decision)
        with pytest.raises(ActionRefused):
            services.block_decision(actor=fresh(proc.uni_chair), decision=decision, reason="x")
        assert snapshot() == before
        # The committee proposes again; the blocked one stays in the history.
        proc.refresh()
        _anna, bram, chloe = proc.candidates
        again = proposed_decision(proc, candidate=bram, reserves=[chloe])
        assert again.status == DecisionStatus.PROPOSED
        page = text(own_client(proc.uni_member).get(f"/selection/{proc.position.pk}/decision/"))
        assert "Her Dutch was not yet good enough in the interview." in page

    def test_it_lets_the_university_chair_block_too(self, world, proc):
        decision = proposed_decision(proc)
        decision = services.block_decision(
            actor=fresh(proc.uni_chair), decision=decision, reason="Too early to decide."
        )
        assert decision.status == DecisionStatus.BLOCKED

    def test_it_changes_nothing_for_an_unknown_action(self, world, proc, own_client):
        decision = proposed_decision(proc)
        before = snapshot()
        response = own_client(proc.uni_chair).post(
            f"/selection/{proc.position.pk}/decision/{decision.pk}/",
            {"action": "approve-all"},
            follow=True,
        )
        assert "Unknown action." in messages_of(response)
        assert snapshot() == before
