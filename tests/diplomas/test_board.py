"""The programme office proposes a trainee whose record passes the check; the examination board
votes (who, when and why recorded) and decides: at least two votes (or the whole board when it
is smaller), a majority grants, otherwise not yet with the reasons given."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from qme.audit.models import AuditEvent
from qme.core.errors import ActionRefused
from qme.graduation import services
from qme.graduation.models import BoardVote, CaseStatus, Diploma, GraduationCase
from tests.helpers import api
from tests.training.factories import fresh
from tests.training.helpers import messages_of

from .builders import proposed, record_for, second_board_member, sign_off_all


def _vote(person, case, choice="grant", reason=""):
    return services.vote(actor=fresh(person), case=case, choice=choice, reason=reason)


def _decide(person, case):
    return services.decide(actor=fresh(person), case=case)


class TestProposal:
    def test_it_is_refused_until_the_check_passes_and_says_what_is_missing(
        self, world, rules, catalogue
    ):
        record = record_for(world, catalogue)
        sign_off_all(record)
        with translation.override("en"), pytest.raises(ActionRefused) as refusal:
            proposed(world, record.traineeship)
        assert refusal.value.code == "requirements_not_met"
        assert "No agreed assessment yet" in refusal.value.message
        assert "No signed progress review yet" in refusal.value.message
        assert not GraduationCase.objects.exists()

    def test_the_page_and_the_api_refuse_it_too(self, world, rules, catalogue, client_for):
        record = record_for(world, catalogue)
        client = client_for(world.office)
        response = client.post(f"/graduation/propose/{record.traineeship.pk}/", follow=True)
        assert response.status_code == 200
        assert any("requirements" in m for m in messages_of(response)), messages_of(response)
        answer = api(client, "post", f"traineeships/{record.traineeship.pk}/graduation")
        assert answer.status_code == 409
        assert answer.json()["code"] == "requirements_not_met"
        assert not GraduationCase.objects.exists()

    def test_the_office_proposes_once_it_passes_and_the_board_is_told(
        self, world, complete, client_for, emails
    ):
        second = second_board_member(world)
        client = client_for(world.office)
        with emails() as sent:
            response = client.post(f"/graduation/propose/{complete.traineeship.pk}/")
        case = GraduationCase.objects.get()
        assert response.status_code == 302
        assert response["Location"] == f"/graduation/cases/{case.pk}/"
        assert case.status == CaseStatus.PROPOSED
        assert case.proposed_by == world.office
        assert all(item["met"] for item in case.check_snapshot)
        assert {m.to[0] for m in sent} == {world.board_member.email, second.email}
        assert all(f"/graduation/cases/{case.pk}/" in m.body for m in sent)
        assert AuditEvent.objects.filter(action="graduation.proposed").count() == 1
        # Proposed once: a second proposal is refused.
        answer = api(client, "post", f"traineeships/{complete.traineeship.pk}/graduation")
        assert answer.status_code == 409
        assert answer.json()["code"] == "duplicate"
        assert GraduationCase.objects.count() == 1

    def test_it_is_proposed_through_the_api(self, world, complete, client_for):
        answer = api(
            client_for(world.office), "post", f"traineeships/{complete.traineeship.pk}/graduation"
        )
        assert answer.status_code == 201, answer.content
        assert answer.json()["status"] == "proposed"
        assert answer.json()["votes"] == []

    @pytest.mark.parametrize(
        ("persona", "status"),
        [("trainee_a", 403), ("university_supervisor", 403), ("board_member", 404)],
    )
    def test_only_the_office_proposes(self, world, complete, client_for, persona, status):
        client = client_for(getattr(world, persona))
        assert client.post(f"/graduation/propose/{complete.traineeship.pk}/").status_code == status
        answer = api(client, "post", f"traineeships/{complete.traineeship.pk}/graduation")
        assert answer.status_code == status
        assert not GraduationCase.objects.exists()

    def test_a_discontinued_trainee_is_not_proposed(self, world, complete):
        from qme.training import services as training

        training.discontinue(
            actor=fresh(world.office), traineeship=complete.traineeship, reason="Moved abroad."
        )
        with pytest.raises(ActionRefused) as refusal:
            proposed(world, complete.traineeship)
        assert refusal.value.code == "ended"


class TestVotes:
    def test_each_vote_is_recorded_with_who_when_and_why(self, world, complete):
        case = proposed(world, complete.traineeship)
        before = timezone.now()
        ballot = _vote(world.board_member, case, "not_yet", "  The supplement lacks dates.  ")
        assert (ballot.member, ballot.vote, ballot.reason) == (
            world.board_member,
            "not_yet",
            "The supplement lacks dates.",
        )
        assert ballot.voted_at >= before
        event = AuditEvent.objects.get(action="graduation.voted")
        assert event.actor == world.board_member
        assert event.reason == "The supplement lacks dates."
        assert event.data == {"vote": "not_yet"}

    def test_a_member_may_change_their_vote_before_the_decision(self, world, complete):
        case = proposed(world, complete.traineeship)
        _vote(world.board_member, case, "not_yet", "Not sure yet.")
        _vote(world.board_member, case, "grant")
        assert list(case.votes.values_list("member", "vote", "reason")) == [
            (world.board_member.pk, "grant", "")
        ]

    @pytest.mark.parametrize("reason", ["", "   ", "\n"])
    def test_not_yet_needs_reasons(self, world, complete, reason):
        case = proposed(world, complete.traineeship)
        with pytest.raises(ValidationError) as error:
            _vote(world.board_member, case, "not_yet", reason)
        assert "reason" in error.value.message_dict
        assert not BoardVote.objects.exists()

    @pytest.mark.parametrize("choice", ["", "yes", "GRANT", "granted"])
    def test_an_unknown_vote_is_refused(self, world, complete, choice):
        case = proposed(world, complete.traineeship)
        with pytest.raises(ValidationError):
            _vote(world.board_member, case, choice, "Because.")
        assert not BoardVote.objects.exists()

    @pytest.mark.parametrize("persona", ["office", "trainee_a", "university_supervisor"])
    def test_only_the_board_votes(self, world, complete, persona):
        case = proposed(world, complete.traineeship)
        with pytest.raises(PermissionDenied):
            _vote(getattr(world, persona), case)
        with pytest.raises(PermissionDenied):
            _decide(getattr(world, persona), case)
        assert not BoardVote.objects.exists()

    def test_the_board_votes_on_the_case_page(self, world, complete, client_for):
        case = proposed(world, complete.traineeship)
        client = client_for(world.board_member)
        page = client.get(f"/graduation/cases/{case.pk}/")
        assert page.status_code == 200
        assert 'name="vote"' in page.content.decode()
        response = client.post(
            f"/graduation/cases/{case.pk}/",
            {"action": "vote", "vote": "not_yet", "reason": "Wait for the final review."},
            follow=True,
        )
        text = response.content.decode()
        assert "Bert Board" in text
        assert "Wait for the final review." in text
        # Without reasons the page says so and records nothing new.
        response = client.post(
            f"/graduation/cases/{case.pk}/",
            {"action": "vote", "vote": "not_yet", "reason": ""},
            follow=True,
        )
        assert any("reasons" in m for m in messages_of(response))
        assert case.votes.get().reason == "Wait for the final review."

    def test_the_office_reads_the_case_without_a_vote_form(self, world, complete, client_for):
        case = proposed(world, complete.traineeship)
        page = client_for(world.office).get(f"/graduation/cases/{case.pk}/")
        assert page.status_code == 200
        assert 'name="vote"' not in page.content.decode()
        response = client_for(world.office).post(
            f"/graduation/cases/{case.pk}/", {"action": "vote", "vote": "grant"}
        )
        assert response.status_code == 403
        assert not BoardVote.objects.exists()

    @pytest.mark.parametrize("persona", ["trainee_a", "coordinator_a", "university_supervisor"])
    def test_others_do_not_see_the_cases(self, world, complete, client_for, persona):
        case = proposed(world, complete.traineeship)
        client = client_for(getattr(world, persona))
        assert client.get("/graduation/").status_code == 403
        assert client.get(f"/graduation/cases/{case.pk}/").status_code == 403
        assert api(client, "get", "graduation-cases").status_code == 403
        assert (
            api(client, "post", f"graduation-cases/{case.pk}/votes", {"vote": "grant"}).status_code
            == 403
        )

    def test_votes_through_the_api(self, world, complete, client_for):
        case = proposed(world, complete.traineeship)
        client = client_for(world.board_member)
        answer = api(client, "post", f"graduation-cases/{case.pk}/votes", {"vote": "not_yet"})
        assert answer.status_code == 422
        answer = api(
            client,
            "post",
            f"graduation-cases/{case.pk}/votes",
            {"vote": "not_yet", "reason": "The review is old."},
        )
        assert answer.status_code == 200, answer.content
        [vote] = answer.json()["votes"]
        assert vote["member"] == "Bert Board"
        assert vote["vote"] == "not_yet"
        assert vote["reason"] == "The review is old."
        assert vote["voted_at"]
        assert (
            api(client, "post", f"graduation-cases/{case.pk}/votes", {"vote": "maybe"}).status_code
            == 422
        )
        listed = api(client, "get", "graduation-cases").json()
        assert listed["count"] == 1
        assert [c["id"] for c in listed["items"]] == [case.pk]


class TestDecision:
    def test_one_vote_of_a_board_of_two_is_too_few(self, world, complete):
        second_board_member(world)
        case = proposed(world, complete.traineeship)
        _vote(world.board_member, case)
        with pytest.raises(ActionRefused) as refusal:
            _decide(world.board_member, case)
        assert refusal.value.code == "too_few_votes"
        case.refresh_from_db()
        assert case.status == CaseStatus.PROPOSED
        assert not Diploma.objects.exists()

    def test_no_votes_is_too_few_even_for_a_board_of_one(self, world, complete):
        case = proposed(world, complete.traineeship)
        with pytest.raises(ActionRefused) as refusal:
            _decide(world.board_member, case)
        assert refusal.value.code == "too_few_votes"

    def test_a_board_of_one_decides_with_its_one_vote(self, world, complete):
        case = proposed(world, complete.traineeship)
        _vote(world.board_member, case)
        decided = _decide(world.board_member, case)
        assert decided.status == CaseStatus.GRANTED

    def test_two_grants_grant_and_issue_the_diploma(self, world, complete, emails):
        second = second_board_member(world)
        case = proposed(world, complete.traineeship)
        _vote(world.board_member, case)
        _vote(second, case)
        with emails() as sent:
            decided = _decide(second, case)
        assert decided.status == CaseStatus.GRANTED
        assert decided.decided_by == second
        assert decided.decided_at is not None
        assert decided.reasons == ""
        diploma = Diploma.objects.get()
        assert diploma.case == decided
        assert diploma.traineeship == complete.traineeship
        event = AuditEvent.objects.get(action="graduation.granted")
        assert event.actor == second
        assert event.data == {"votes": {"Bert Board": "grant", "Bea Board": "grant"}}
        to_trainee = [m for m in sent if m.to == [world.trainee_a.email]]
        assert len(to_trainee) == 2  # the decision, and the diploma with its credential

    def test_a_majority_grants(self, world, complete):
        second = second_board_member(world)
        third = second_board_member(world, full_name="Bas Board", email="bas@example.org")
        case = proposed(world, complete.traineeship)
        _vote(world.board_member, case)
        _vote(second, case)
        _vote(third, case, "not_yet", "The clinical project is thin.")
        assert _decide(third, case).status == CaseStatus.GRANTED
        assert Diploma.objects.count() == 1

    def test_a_tie_is_not_yet_with_the_reasons(self, world, complete, emails):
        second = second_board_member(world)
        case = proposed(world, complete.traineeship)
        _vote(world.board_member, case)
        _vote(second, case, "not_yet", "The design report misses the validation chapter.")
        with emails() as sent:
            decided = _decide(world.board_member, case)
        assert decided.status == CaseStatus.NOT_YET
        assert decided.reasons == "The design report misses the validation chapter."
        assert not Diploma.objects.exists()
        event = AuditEvent.objects.get(action="graduation.not_yet")
        assert event.reason == "The design report misses the validation chapter."
        [message] = [m for m in sent if m.to == [world.trainee_a.email]]
        assert "The design report misses the validation chapter." in message.body
        complete.traineeship.refresh_from_db()
        assert complete.traineeship.status != "completed"

    def test_not_yet_collects_every_reason_and_the_trainee_can_be_proposed_again(
        self, world, complete
    ):
        second = second_board_member(world)
        case = proposed(world, complete.traineeship)
        _vote(world.board_member, case, "not_yet", "First reason.")
        _vote(second, case, "not_yet", "Second reason.")
        decided = _decide(second, case)
        assert decided.status == CaseStatus.NOT_YET
        assert set(decided.reasons.splitlines()) == {"First reason.", "Second reason."}
        again = proposed(world, complete.traineeship)
        assert again.pk != case.pk
        assert again.status == CaseStatus.PROPOSED

    def test_after_not_yet_the_requirements_page_offers_the_proposal_again(
        self, world, complete, client_for
    ):
        second = second_board_member(world)
        case = proposed(world, complete.traineeship)
        page = reverse("graduation:requirements", args=[complete.traineeship.pk])
        form = f'action="{reverse("graduation:propose", args=[complete.traineeship.pk])}"'
        client = client_for(world.office)
        assert form not in client.get(page).content.decode()
        _vote(world.board_member, case, "not_yet", "First reason.")
        _vote(second, case, "not_yet", "Second reason.")
        _decide(second, case)
        assert form in client.get(page).content.decode()

    def test_a_decided_case_takes_no_more_votes_or_decisions(self, world, complete):
        case = proposed(world, complete.traineeship)
        _vote(world.board_member, case)
        _decide(world.board_member, case)
        with pytest.raises(ActionRefused) as refusal:
            _vote(world.board_member, case, "not_yet", "Changed my mind.")
        assert refusal.value.code == "decided"
        with pytest.raises(ActionRefused):
            _decide(world.board_member, case)
        assert Diploma.objects.count() == 1

    def test_the_board_decides_on_the_page_and_through_the_api(self, world, complete, client_for):
        second = second_board_member(world)
        case = proposed(world, complete.traineeship)
        client = client_for(world.board_member)
        response = client.post(f"/graduation/cases/{case.pk}/", {"action": "decide"}, follow=True)
        assert any("vote" in m for m in messages_of(response)), messages_of(response)
        _vote(world.board_member, case)
        answer = api(client, "post", f"graduation-cases/{case.pk}/decision")
        assert answer.status_code == 409
        assert answer.json()["code"] == "too_few_votes"
        _vote(second, case)
        answer = api(client, "post", f"graduation-cases/{case.pk}/decision")
        assert answer.status_code == 200, answer.content
        assert answer.json()["status"] == "granted"
        assert answer.json()["decided_at"]
        assert len(answer.json()["votes"]) == 2
        assert Diploma.objects.count() == 1
        page = client.get(f"/graduation/cases/{case.pk}/").content.decode()
        assert 'name="vote"' not in page
