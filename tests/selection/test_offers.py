"""The offer: the candidate accepts or declines before the deadline; an unanswered offer expires;
after a decline the next reserve can be offered; on acceptance the candidate becomes a trainee
without anyone typing again, the position is filled, and the other candidates are told and may
ask for the reasons, which a chair or the programme office gives."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from qme.audit.models import AuditEvent
from qme.core.errors import ActionRefused
from qme.organisations.models import Role, RoleKind
from qme.positions.models import Position, PositionStatus
from qme.selection import services, tasks
from qme.selection.models import Application, ApplicationStatus, Offer, OfferStatus, ReasonRequest
from qme.training.models import Traineeship

from .factories import applicant, approved_decision, fresh, submitted_application
from .helpers import messages_of, snapshot, text


def _offer_path(offer: Offer) -> str:
    return f"/applications/{offer.application_id}/offers/{offer.pk}/"


@pytest.fixture
def offered(world, proc):
    """Both chairs approved: Anna is offered the position; Bram, then Chloë, are reserves. Dora
    withdrew before the decision; Eva was found not eligible."""
    dora = submitted_application(proc.position, applicant("Dora Dijk"))
    services.withdraw_application(actor=fresh(dora.applicant), application=dora)
    eva = submitted_application(proc.position, applicant("Eva Evers"), dutch_level="B1")
    decision = approved_decision(proc)
    proc.refresh()
    return proc, decision, Offer.objects.get(), dora, eva


class TestAccepting:
    def test_it_makes_the_accepting_candidate_a_trainee(self, world, offered, own_client, emails):
        proc, _decision, offer, dora, eva = offered
        anna, bram, chloe = proc.candidates
        client = own_client(anna.applicant)
        page = text(client.get(f"/applications/{anna.pk}/"))
        assert "You are offered this position" in page
        with emails() as sent:
            response = client.post(_offer_path(offer), {"answer": "accept"})
        assert response.status_code == 302
        assert response["Location"] == "/"
        offer.refresh_from_db()
        assert offer.status == OfferStatus.ACCEPTED
        assert offer.responded_at is not None
        # The traineeship: everything from the position and its request.
        position = Position.objects.select_related("request").get(pk=proc.position.pk)
        traineeship = Traineeship.objects.get()
        assert traineeship.trainee == anna.applicant
        assert traineeship.position == position
        assert traineeship.hospital == position.hospital == world.hospital_a
        assert traineeship.university == position.university == world.university
        assert traineeship.start_date == position.start_date
        assert traineeship.university_supervisor == position.request.university_supervisor
        assert traineeship.university_supervisor == world.university_supervisor
        assert traineeship.hospital_supervisor == world.supervisor_a
        assert traineeship.medical_doctor == world.doctor_a
        assert traineeship.design_project_title == position.request.title
        role = Role.objects.get(user=anna.applicant, kind=RoleKind.TRAINEE)
        assert role.organisation == world.hospital_a
        assert role.starts_on <= position.start_date
        # The position is filled, the procedure has ended.
        assert position.status == PositionStatus.FILLED
        assert position.procedure_ended_at is not None
        # The others in the procedure are rejected and told; who had left stays as they were.
        statuses = {a.pk: a.status for a in Application.objects.all()}
        assert statuses == {
            anna.pk: "accepted",
            bram.pk: "rejected",
            chloe.pk: "rejected",
            dora.pk: "withdrawn",
            eva.pk: "ineligible",
        }
        rejected = [m for m in sent if "not to continue" in m.body]
        assert sorted(m.to[0] for m in rejected) == sorted(
            [bram.applicant.email, chloe.applicant.email]
        )
        by_email = {a.applicant.email: a for a in (bram, chloe)}
        for message in rejected:
            assert f"/applications/{by_email[message.to[0]].pk}/" in message.body
        # Eva, who did not meet the requirements, learns that the procedure has ended; Dora, who
        # withdrew, hears nothing more.
        filled = [m for m in sent if "has been filled" in m.subject]
        assert [m.to[0] for m in filled] == [eva.applicant.email]
        assert "did not meet the requirements" in filled[0].body
        assert f"/applications/{eva.pk}/" in filled[0].body
        assert not [m for m in sent if m.to[0] == dora.applicant.email]
        accepted = [m for m in sent if "accepted the position" in m.subject]
        assert {m.to[0] for m in accepted} >= {u.email for u in proc.members} | {world.office.email}
        actions = set(AuditEvent.objects.values_list("action", flat=True))
        assert {"offer.accepted", "position.filled"} <= actions

    def test_it_shows_the_new_trainee_their_home_page(self, world, offered, own_client):
        proc, _decision, offer, *_ = offered
        anna = proc.candidates[0]
        client = own_client(anna.applicant)
        response = client.post(_offer_path(offer), {"answer": "accept"}, follow=True)
        assert response.redirect_chain[-1][0] == "/"
        assert "Welcome to the QME programme!" in " ".join(messages_of(response))
        traineeship = Traineeship.objects.get()
        assert f"/training/{traineeship.pk}/" in text(response)

    def test_it_takes_one_answer_to_an_offer(self, world, offered, own_client):
        proc, _decision, offer, *_ = offered
        anna = proc.candidates[0]
        services.respond_to_offer(actor=fresh(anna.applicant), offer=offer, accept=True)
        before = snapshot()
        for accept in (True, False):
            with pytest.raises(ActionRefused) as refusal:
                services.respond_to_offer(actor=fresh(anna.applicant), offer=offer, accept=accept)
            assert refusal.value.code == "already_answered"
        response = own_client(anna.applicant).post(
            _offer_path(offer), {"answer": "decline"}, follow=True
        )
        assert "You have already answered this offer." in messages_of(response)
        assert snapshot() == before
        assert Traineeship.objects.count() == 1

    def test_it_lets_nobody_else_answer_the_offer(self, world, offered, own_client):
        proc, _decision, offer, *_ = offered
        bram = proc.candidates[1]
        before = snapshot()
        for person in (bram.applicant, proc.uni_chair, world.office):
            with pytest.raises(ActionRefused) as refusal:
                services.respond_to_offer(actor=fresh(person), offer=offer, accept=True)
            assert refusal.value.code == "not_yours"
        response = own_client(bram.applicant).post(_offer_path(offer), {"answer": "accept"})
        assert response.status_code == 404
        # Not through another application's address either.
        response = own_client(bram.applicant).post(
            f"/applications/{bram.pk}/offers/{offer.pk}/", {"answer": "accept"}
        )
        assert response.status_code == 404
        assert snapshot() == before


class TestDecliningAndReserves:
    def test_it_offers_the_next_reserve_after_a_decline(self, world, offered, own_client, emails):
        proc, decision, offer, *_ = offered
        anna, bram, _chloe = proc.candidates
        with emails() as sent:
            response = own_client(anna.applicant).post(
                _offer_path(offer), {"answer": "decline"}, follow=True
            )
        assert "You have declined the offer." in " ".join(messages_of(response))
        assert Application.objects.get(pk=anna.pk).status == ApplicationStatus.DECLINED
        assert Offer.objects.get(pk=offer.pk).status == OfferStatus.DECLINED
        told = {m.to[0] for m in sent}
        assert told == {proc.uni_chair.email, proc.hos_chair.email, world.office.email}
        # A chair offers the position to the first reserve.
        with emails() as sent:
            response = own_client(proc.hos_chair).post(
                f"/selection/{proc.position.pk}/decision/{decision.pk}/",
                {"action": "next"},
                follow=True,
            )
        assert "offered to the next reserve" in " ".join(messages_of(response))
        second = Offer.objects.get(status=OfferStatus.PENDING)
        assert second.application == bram
        assert Application.objects.get(pk=bram.pk).status == ApplicationStatus.OFFERED
        assert [m.to for m in sent] == [[bram.applicant.email]]
        assert second.deadline >= timezone.localdate() + dt.timedelta(days=3)

    def test_it_skips_a_reserve_who_left_until_none_are_left(self, world, offered):
        proc, decision, offer, *_ = offered
        anna, bram, chloe = proc.candidates
        services.respond_to_offer(actor=fresh(anna.applicant), offer=offer, accept=False)
        services.withdraw_application(actor=fresh(bram.applicant), application=bram)
        nxt = services.offer_next_reserve(actor=fresh(world.office), decision=decision)
        assert nxt.application == chloe
        services.respond_to_offer(actor=fresh(chloe.applicant), offer=nxt, accept=False)
        before = snapshot()
        with pytest.raises(ActionRefused) as refusal:
            services.offer_next_reserve(actor=fresh(world.office), decision=decision)
        assert refusal.value.code == "no_reserve"
        assert snapshot() == before

    def test_it_keeps_the_next_reserve_waiting_while_an_offer_is_open(self, world, offered):
        proc, decision, _offer, *_ = offered
        before = snapshot()
        with pytest.raises(ActionRefused) as refusal:
            services.offer_next_reserve(actor=fresh(proc.uni_chair), decision=decision)
        assert refusal.value.code == "offer_open"
        assert snapshot() == before

    @pytest.mark.parametrize("who", ["uni_member", "hos_member"])
    def test_it_lets_only_a_chair_or_the_office_offer_the_next_reserve(self, world, offered, who):
        proc, decision, offer, *_ = offered
        services.respond_to_offer(
            actor=fresh(proc.candidates[0].applicant), offer=offer, accept=False
        )
        before = snapshot()
        with pytest.raises(PermissionDenied):
            services.offer_next_reserve(actor=fresh(getattr(proc, who)), decision=decision)
        assert snapshot() == before

    def test_it_declines_the_offer_of_a_candidate_who_withdraws(self, world, offered):
        proc, decision, offer, *_ = offered
        anna = proc.candidates[0]
        services.withdraw_application(actor=fresh(anna.applicant), application=anna)
        assert Offer.objects.get(pk=offer.pk).status == OfferStatus.DECLINED
        nxt = services.offer_next_reserve(actor=fresh(proc.uni_chair), decision=decision)
        assert nxt.application == proc.candidates[1]


class TestDeadline:
    def test_it_refuses_an_answer_after_the_deadline_and_expires_the_offer(
        self, world, offered, own_client
    ):
        proc, decision, offer, *_ = offered
        anna = proc.candidates[0]
        on_the_day = dt.datetime.combine(offer.deadline, dt.time(23, 0))
        with time_machine.travel(on_the_day.replace(tzinfo=timezone.get_current_timezone())):
            services.expire_offers()
            assert Offer.objects.get(pk=offer.pk).status == OfferStatus.PENDING
        day_after = on_the_day + dt.timedelta(hours=2)
        with time_machine.travel(day_after.replace(tzinfo=timezone.get_current_timezone())):
            before = snapshot()
            response = own_client(anna.applicant).post(
                _offer_path(offer), {"answer": "accept"}, follow=True
            )
            assert "The deadline to answer this offer has passed." in messages_of(response)
            assert snapshot() == before
            assert tasks.expire_offers.enqueue().return_value == 1
        offer.refresh_from_db()
        assert offer.status == OfferStatus.EXPIRED
        assert Application.objects.get(pk=anna.pk).status == ApplicationStatus.DECLINED
        assert AuditEvent.objects.filter(action="offer.expired").count() == 1
        assert not Traineeship.objects.exists()
        # The next reserve can be offered.
        nxt = services.offer_next_reserve(actor=fresh(world.office), decision=decision)
        assert nxt.application == proc.candidates[1]

    def test_it_accepts_on_the_last_day(self, world, offered):
        proc, _decision, offer, *_ = offered
        last = dt.datetime.combine(offer.deadline, dt.time(22, 30))
        with time_machine.travel(last.replace(tzinfo=timezone.get_current_timezone())):
            services.respond_to_offer(
                actor=fresh(proc.candidates[0].applicant), offer=offer, accept=True
            )
        assert Traineeship.objects.count() == 1


class TestReasons:
    def test_it_lets_a_rejected_candidate_ask_and_a_chair_answer(
        self, world, offered, own_client, emails
    ):
        proc, _decision, offer, *_ = offered
        anna, bram, _ = proc.candidates
        services.respond_to_offer(actor=fresh(anna.applicant), offer=offer, accept=True)
        client = own_client(bram.applicant)
        page = text(client.get(f"/applications/{bram.pk}/"))
        assert "Ask for the reasons" in page
        with emails() as sent:
            response = client.post(f"/applications/{bram.pk}/reasons/", follow=True)
            client.post(f"/applications/{bram.pk}/reasons/")  # twice: one question
        assert "Your question has been sent." in " ".join(messages_of(response))
        assert ReasonRequest.objects.count() == 1
        assert {m.to[0] for m in sent} == {
            proc.uni_chair.email,
            proc.hos_chair.email,
            world.office.email,
        }
        chair = own_client(proc.uni_chair)
        page = text(chair.get(f"/selection/candidates/{bram.pk}/"))
        assert "The candidate asks for the reasons" in page
        before = snapshot()
        response = chair.post(
            f"/selection/candidates/{bram.pk}/reasons/", {"answer": " "}, follow=True
        )
        assert "Write the reasons." in messages_of(response)
        assert snapshot() == before
        with emails() as sent:
            chair.post(
                f"/selection/candidates/{bram.pk}/reasons/",
                {"answer": "Anna showed more design depth in the interview."},
            )
        request = ReasonRequest.objects.get()
        assert request.answered_by == proc.uni_chair
        assert request.answer == "Anna showed more design depth in the interview."
        assert [m.to for m in sent] == [[bram.applicant.email]]
        page = text(client.get(f"/applications/{bram.pk}/"))
        assert "Anna showed more design depth in the interview." in page
        with pytest.raises(ActionRefused) as refusal:
            services.answer_reasons(actor=fresh(world.office), request=request, answer="More.")
        assert refusal.value.code == "already_answered"

    def test_it_lets_the_office_answer_too(self, world, proc):
        bram = proc.candidates[1]
        services.reject(actor=fresh(world.office), applications=[bram], reason="Too junior.")
        bram.refresh_from_db()
        request = services.ask_reasons(actor=fresh(bram.applicant), application=bram)
        request = services.answer_reasons(
            actor=fresh(world.office), request=request, answer="Less experience."
        )
        assert request.answered_by == world.office

    @pytest.mark.parametrize("who", ["hos_member", "uni_member"])
    def test_it_lets_no_member_who_does_not_chair_answer(self, world, proc, who, own_client):
        bram = proc.candidates[1]
        services.reject(actor=fresh(world.office), applications=[bram], reason="Too junior.")
        bram.refresh_from_db()
        request = services.ask_reasons(actor=fresh(bram.applicant), application=bram)
        before = snapshot()
        with pytest.raises(PermissionDenied):
            services.answer_reasons(actor=fresh(getattr(proc, who)), request=request, answer="x")
        response = own_client(getattr(proc, who)).post(
            f"/selection/candidates/{bram.pk}/reasons/", {"answer": "Because."}
        )
        assert response.status_code == 403
        assert snapshot() == before

    def test_it_takes_questions_for_reasons_once_a_decision_is_made(self, world, proc):
        anna = proc.candidates[0]
        before = snapshot()
        with pytest.raises(ActionRefused) as refusal:
            services.ask_reasons(actor=fresh(anna.applicant), application=anna)
        assert refusal.value.code == "invalid_state"
        with pytest.raises(PermissionDenied):
            services.ask_reasons(actor=fresh(world.office), application=anna)
        assert snapshot() == before

    def test_it_refuses_an_empty_answer(self, world, proc):
        bram = proc.candidates[1]
        services.reject(actor=fresh(world.office), applications=[bram], reason="No.")
        bram.refresh_from_db()
        request = services.ask_reasons(actor=fresh(bram.applicant), application=bram)
        with pytest.raises(ValidationError):
            services.answer_reasons(actor=fresh(world.office), request=request, answer="   ")
