"""The programme office's home page lists what needs its action: requests to review, positions
without a committee, procedures that stall, trainees at risk with the reason, graduations to
propose and go/no-go decisions to confirm; each item links to the page where it is done, and
disappears once it is done."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from qme.feedback import services as feedback_services
from qme.feedback.models import Review
from qme.positions import services as position_services
from qme.selection import services as selection_services
from qme.selection.models import Decision, Offer
from qme.training.models import Traineeship
from tests.diplomas.builders import complete_record, proposed, record_for
from tests.factories import UserFactory
from tests.feedback.helpers import give
from tests.positions.factories import approved_position, submitted_request
from tests.reviews.helpers import first_progress, go_no_go, record, sign_by_all
from tests.selection.factories import (
    add_committee,
    approved_decision,
    close,
    fresh,
    procedure_for,
    proposed_decision,
    score,
)
from tests.training.factories import approved_plan, item_titled, signed_off, traineeship_of


def _feedback_from_both_sides(world, traineeship) -> None:
    give(world.university_supervisor, traineeship)
    give(world.supervisor_a, traineeship)


class TestRequestsAndCommittees:
    def test_it_lists_a_request_to_review_until_it_is_decided(self, world, home):
        request = submitted_request(world, title="Closed-loop ventilation")
        page = home(world.office)
        assert "Review: Closed-loop ventilation" in page.html
        assert f'href="/requests/{request.pk}/"' in page.html
        position_services.approve_request(
            actor=world.office,
            request=request,
            university=world.university,
            university_supervisor=world.university_supervisor,
        )
        assert "Review: Closed-loop ventilation" not in home(world.office).html

    def test_it_lists_a_position_without_a_committee_until_it_has_both_chairs(self, world, home):
        position = approved_position(world)
        item = home(world.office).item("selection_office", "without_committee", position.title_en)
        assert item.url == f"/selection/{position.pk}/committee/"
        assert item.reasons == ["no committee"]
        add_committee(world, position)
        assert home(world.office).group("selection_office", "without_committee") is None

    def test_it_names_the_missing_chair(self, world, home):
        position = approved_position(world)
        selection_services.add_committee_member(
            actor=fresh(world.office),
            position=position,
            person=world.university_supervisor,
            side="university",
            is_chair=True,
        )
        item = home(world.office).item("selection_office", "without_committee", position.title_en)
        assert item.reasons == ["no chair from the hospital"]


class TestProceduresThatStall:
    def test_nothing_scored_two_weeks_after_closing_stalls_until_someone_scores(self, world, home):
        proc = procedure_for(world)
        close(world, proc.position)
        assert home(world.office).group("selection_office", "stalled") is None  # just closed
        type(proc.position).objects.filter(pk=proc.position.pk).update(
            status_changed_at=timezone.now() - dt.timedelta(days=20)
        )
        item = home(world.office).item("selection_office", "stalled", proc.position.title_en)
        assert item.url == f"/selection/{proc.position.pk}/"
        assert item.reasons[0].startswith("nothing scored since")
        score(proc.stage(), proc.candidates[0], proc.uni_member)
        assert home(world.office).group("selection_office", "stalled") is None

    def test_a_decision_waiting_for_a_chair_for_over_a_week_stalls_until_approved(
        self, world, home
    ):
        proc = procedure_for(world)
        decision = proposed_decision(proc)
        assert home(world.office).group("selection_office", "stalled") is None
        Decision.objects.filter(pk=decision.pk).update(
            proposed_at=timezone.now() - dt.timedelta(days=10)
        )
        item = home(world.office).item("selection_office", "stalled", proc.position.title_en)
        assert item.url == f"/selection/{proc.position.pk}/decision/"
        assert "decision waiting for a chair for over 7 days" in item.reasons
        for chair in proc.chairs:
            selection_services.approve_decision(actor=fresh(chair), decision=decision)
        assert home(world.office).group("selection_office", "stalled") is None

    def test_a_declined_offer_without_a_next_offer_stalls_until_the_next_reserve_is_offered(
        self, world, home
    ):
        proc = procedure_for(world)
        decision = approved_decision(proc)
        offer = Offer.objects.get(decision=decision)
        selection_services.respond_to_offer(
            actor=fresh(offer.application.applicant), offer=offer, accept=False
        )
        item = home(world.office).item("selection_office", "stalled", proc.position.title_en)
        assert item.url == f"/selection/{proc.position.pk}/decision/"
        assert item.reasons == ["offer expired or declined, no next offer"]
        selection_services.offer_next_reserve(actor=fresh(world.office), decision=decision)
        assert home(world.office).group("selection_office", "stalled") is None


class TestTraineesAtRisk:
    def test_an_overdue_feedback_trainee_appears_with_the_reason_until_feedback_is_given(
        self, world, rules, home
    ):
        traineeship = traineeship_of(world)  # started 90 days ago, no feedback yet
        page = home(world.office)
        item = page.item("trainees_office", "at_risk", "Tim Trainee")
        assert item.url == f"/training/{traineeship.pk}/"
        assert item.reasons == ["no feedback: university 90 days, hospital 90 days"]
        assert f'href="/training/{traineeship.pk}/"' in page.html
        assert "no feedback: university 90 days, hospital 90 days" in page.html
        _feedback_from_both_sides(world, traineeship)
        assert home(world.office).group("trainees_office", "at_risk") is None

    def test_late_plan_items_count_until_they_are_signed_off(self, world, catalogue, rules, home):
        traineeship = traineeship_of(world)
        plan = approved_plan(traineeship, catalogue)
        _feedback_from_both_sides(world, traineeship)
        item = home(world.office).item("trainees_office", "at_risk", "Tim Trainee")
        # Regulation ended 60 and epidemiology 80 days after a start 90 days ago.
        assert item.reasons == ["2 plan items late"]
        signed_off(traineeship, item_titled(plan, "Medical device regulation"))
        item = home(world.office).item("trainees_office", "at_risk", "Tim Trainee")
        assert item.reasons == ["1 plan item late"]
        signed_off(traineeship, item_titled(plan, "Clinical epidemiology"))
        assert home(world.office).group("trainees_office", "at_risk") is None

    def test_a_review_that_is_not_satisfactory_is_a_risk(self, world, rules, home):
        traineeship = traineeship_of(world)
        _feedback_from_both_sides(world, traineeship)
        record(first_progress(traineeship), world.university_supervisor, outcome="extra_time")
        item = home(world.office).item("trainees_office", "at_risk", "Tim Trainee")
        assert item.reasons == ["review: extra time needed"]

    def test_an_end_date_close_with_requirements_open_is_a_risk(
        self, world, catalogue, rules, home
    ):
        record_ = record_for(world, catalogue)  # started two years ago, nothing signed off
        _feedback_from_both_sides(world, record_.traineeship)
        Traineeship.objects.filter(pk=record_.traineeship.pk).update(
            expected_end_date=timezone.localdate() + dt.timedelta(days=30)
        )
        Review.objects.filter(traineeship=record_.traineeship).delete()
        item = home(world.office).item("trainees_office", "at_risk", "Tim Trainee")
        late = [r for r in item.reasons if "plan item" in r]
        ending = [r for r in item.reasons if r.startswith("expected end")]
        assert late  # every item of the plan ended before today
        assert len(ending) == 1
        assert ending[0].endswith("requirements not met")

    def test_the_most_urgent_come_first(self, world, catalogue, rules, home):
        calm = traineeship_of(world, trainee=UserFactory(full_name="Aart Alone"))
        busy = traineeship_of(world)
        approved_plan(busy, catalogue)
        group = home(world.office).group("trainees_office", "at_risk")
        assert [i.label for i in group.items] == ["Tim Trainee", "Aart Alone"]
        assert group.count == 2
        assert calm.pk != busy.pk


class TestGraduationsToPropose:
    def test_a_complete_record_near_its_end_is_listed_until_it_is_proposed(
        self, world, catalogue, rules, home
    ):
        complete = complete_record(world, catalogue)
        item = home(world.office).item("trainees_office", "to_propose", "Tim Trainee")
        assert item.label == "Propose Tim Trainee"
        assert item.url == f"/graduation/requirements/{complete.traineeship.pk}/"
        # The requirements page is where the office proposes.
        page = home(world.office).response.client.get(item.url).content.decode()
        assert f'action="/graduation/propose/{complete.traineeship.pk}/"' in page
        proposed(world, complete.traineeship)
        assert home(world.office).group("trainees_office", "to_propose") is None

    def test_a_record_that_misses_something_is_not_proposed_but_at_risk(
        self, world, catalogue, rules, home
    ):
        record_for(world, catalogue)
        page = home(world.office)
        assert page.group("trainees_office", "to_propose") is None
        item = page.item("trainees_office", "at_risk", "Tim Trainee")
        assert any(r.startswith("expected end") for r in item.reasons)


class TestGoNoGo:
    def test_a_signed_go_no_go_waits_for_the_office_until_confirmed(self, world, rules, home):
        traineeship = traineeship_of(world, start=timezone.localdate() - dt.timedelta(days=300))
        review = sign_by_all(world, record(go_no_go(traineeship), world.university_supervisor))
        item = home(world.office).item("trainees_office", "go_no_go", "Tim Trainee")
        assert item.label == "Confirm the go of Tim Trainee"
        assert item.url == f"/feedback/{traineeship.pk}/reviews/{review.pk}/"
        feedback_services.confirm_go_no_go(actor=fresh(world.office), review=review)
        assert home(world.office).group("trainees_office", "go_no_go") is None


def test_the_office_sees_a_useful_message_when_nothing_waits(world, home):
    page = home(world.office)
    assert "Every procedure has its committee and is moving." in page.html
    assert "No trainee is at risk and nobody is ready to be proposed for graduation." in page.html
