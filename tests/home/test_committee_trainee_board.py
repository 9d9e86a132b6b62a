"""Committee members see each candidate to score, linked to the score form; chairs the decisions
awaiting their approval. Trainees see their next deadlines, the reviews waiting for them and
how far they are from the diploma. Board members see the cases waiting for their vote."""

from __future__ import annotations

import datetime as dt

from allauth.mfa.totp.internal.auth import TOTP
from django.utils import timezone

from qme.graduation import services as graduation_services
from qme.selection import services as selection_services
from qme.training.models import Milestone
from tests.conftest import TOTP_SECRET
from tests.diplomas.builders import complete_record, proposed, second_board_member
from tests.reviews.helpers import first_progress, record
from tests.selection.factories import fresh, procedure_for, proposed_decision, score
from tests.training.factories import approved_plan, complete_plan, traineeship_of


class TestCommittee:
    def test_each_candidate_to_score_links_to_the_score_form_until_scored(self, world, home):
        proc = procedure_for(world, candidates=2)
        stage = proc.stage()
        page = home(proc.uni_member)
        group = page.group("committee", "to_score")
        assert group.count == 2
        first = proc.candidates[0]
        item = page.item("committee", "to_score", f"Score {first.applicant.full_name}")
        assert item.url == f"/selection/candidates/{first.pk}/#stage-{stage.pk}"
        form = page.response.client.get(item.url).content.decode()
        assert f'id="stage-{stage.pk}"' in form
        assert f'action="/selection/candidates/{first.pk}/stages/{stage.pk}/score/"' in form
        score(stage, first, proc.uni_member)
        group = home(proc.uni_member).group("committee", "to_score")
        assert group.count == 1
        assert [i.label for i in group.items] == [f"Score {proc.candidates[1].applicant.full_name}"]
        # Another member still has both to score.
        assert home(proc.hos_member).group("committee", "to_score").count == 2

    def test_a_conflict_of_interest_takes_the_candidate_off_the_list(self, world, home):
        proc = procedure_for(world, candidates=1)
        selection_services.declare_conflict(
            actor=fresh(proc.uni_member),
            application=proc.candidates[0],
            reason="My neighbour's daughter.",
        )
        assert home(proc.uni_member).group("committee", "to_score") is None
        assert "No candidate waits for your scores." in home(proc.uni_member).html

    def test_a_chair_sees_the_decision_awaiting_their_approval(self, world, home):
        proc = procedure_for(world, candidates=2)
        decision = proposed_decision(proc)
        name = decision.candidate.applicant.full_name
        label = f"Approve or block the offer to {name}"
        item = home(proc.uni_chair).item("committee", "decisions", label)
        assert item.url == f"/selection/{proc.position.pk}/decision/"
        assert home(proc.uni_member).group("committee", "decisions") is None  # not a chair
        selection_services.approve_decision(actor=fresh(proc.uni_chair), decision=decision)
        assert home(proc.uni_chair).group("committee", "decisions") is None
        assert home(proc.hos_chair).labels("committee", "decisions") == [label]


class TestTrainee:
    def test_the_trainee_sees_deadlines_reviews_and_the_requirements(
        self, world, catalogue, rules, home
    ):
        traineeship = traineeship_of(world)
        approved_plan(traineeship, catalogue)
        page = home(world.trainee_a)
        training = page.sections["training"]
        # Regulation and epidemiology are late: each links to recording it.
        late = [item for item, _record in training.context["late"]]
        assert [i.title for i in late] == ["Medical device regulation", "Clinical epidemiology"]
        assert f'/training/{traineeship.pk}/items/{late[0].pk}/record/"' in page.html
        assert "Record “Medical device regulation” as completed" in page.html
        # Nothing is signed off yet: every requirement is open.
        assert training.context["requirements_unmet"] > 0
        assert f'href="/graduation/requirements/{traineeship.pk}/"' in page.html
        # The first progress review is due: the self-assessment waits, then the signature.
        review = first_progress(traineeship)
        item = home(world.trainee_a).item(
            "training", "self_assessments", "Write your self-assessment for the progress review"
        )
        assert item.url == f"/feedback/{traineeship.pk}/reviews/{review.pk}/"
        record(review, world.university_supervisor)
        page = home(world.trainee_a)
        assert page.group("training", "self_assessments") is None
        assert page.labels("training", "reviews_to_sign") == ["Sign your progress review"]

    def test_a_draft_plan_has_no_late_items_yet(self, world, catalogue, rules, home):
        traineeship = traineeship_of(world)
        complete_plan(traineeship, catalogue)  # its first items ended before today
        page = home(world.trainee_a)
        assert page.sections["training"].context["late"] == []
        assert "Finish your plan and send it for approval" in page.html
        assert "as completed" not in page.html

    def test_a_milestone_due_soon_is_a_deadline(self, world, rules, home):
        traineeship = traineeship_of(world)
        project = traineeship.design_project
        Milestone.objects.filter(project=project).update(
            due_on=timezone.localdate() + dt.timedelta(days=300)
        )
        Milestone.objects.filter(project=project, order=1).update(
            due_on=timezone.localdate() + dt.timedelta(days=10)
        )
        milestones = home(world.trainee_a).sections["training"].context["milestones"]
        assert [m.order for m in milestones] == [1]
        page = home(world.trainee_a).html
        assert "Design project milestone: " in page
        assert f'href="/training/{traineeship.pk}/project/"' in page

    def test_a_complete_record_says_every_requirement_is_met(self, world, catalogue, rules, home):
        complete_record(world, catalogue)
        page = home(world.trainee_a)
        assert page.sections["training"].context["requirements_unmet"] == 0
        assert "Every requirement of the diploma is met" in page.html


class TestBoard:
    def test_a_case_waits_for_each_members_vote_then_for_the_decision(
        self, world, catalogue, rules, home
    ):
        complete = complete_record(world, catalogue)
        bea = second_board_member(world)
        TOTP.activate(bea, TOTP_SECRET)
        case = proposed(world, complete.traineeship)
        item = home(world.board_member).item(
            "board", "to_vote", "Vote on the graduation of Tim Trainee"
        )
        assert item.url == f"/graduation/cases/{case.pk}/"
        graduation_services.vote(actor=fresh(world.board_member), case=case, choice="grant")
        page = home(world.board_member)
        assert page.group("board", "to_vote") is None
        assert page.group("board", "to_decide") is None  # one vote of the two needed
        assert home(bea).labels("board", "to_vote") == ["Vote on the graduation of Tim Trainee"]
        graduation_services.vote(actor=fresh(bea), case=case, choice="grant")
        assert home(world.board_member).labels("board", "to_decide") == [
            "Close the decision on Tim Trainee"
        ]
        graduation_services.decide(actor=fresh(bea), case=case)
        page = home(world.board_member)
        assert page.group("board", "to_decide") is None
        assert "No graduation waits for the board." in page.html
