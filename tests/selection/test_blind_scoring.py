"""Independent, blind scoring: until a member has submitted their own sheet for a candidate, the
others' scores for that candidate stay hidden from them in every page, the API and e-mail; the
programme office sees them once every member without a conflict has scored. Then the committee
sees scores side by side: spread, weighted totals, ranking and the disagreements to discuss."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from qme.core.errors import ActionRefused
from qme.selection import services
from qme.selection.models import Score, ScoreSheet
from qme.selection.selectors import stage_results
from tests.helpers import api

from .factories import fresh, score, shortlisted
from .helpers import bodies, messages_of, snapshot, text

SECRET = "Secret note"


def _results_page(client, proc) -> str:
    response = client.get(f"/selection/{proc.position.pk}/stages/{proc.stage().pk}/")
    assert response.status_code == 200
    return text(response)


def _api_results(client, proc) -> dict[int, dict]:
    response = api(client, "get", f"selection/{proc.position.pk}/stages/{proc.stage().pk}/results")
    assert response.status_code == 200
    return {row["application_id"]: row for row in response.json()}


def _note(member) -> str:
    return f"{SECRET} of {member.full_name}"


class TestHiddenUntilYouSubmit:
    @pytest.fixture
    def scene(self, world, proc):
        """For Anna: the hospital member has submitted, the university chair has a draft, the
        others have not started."""
        anna = proc.candidates[0]
        stage = proc.stage()
        score(stage, anna, proc.hos_member, 4, justification=_note(proc.hos_member))
        score(stage, anna, proc.uni_chair, 2, submit=False, justification=_note(proc.uni_chair))
        return proc, anna

    def test_it_hides_the_others_scores_on_the_results_page_until_you_submit(
        self, scene, own_client
    ):
        proc, _anna = scene
        for member in (proc.uni_member, proc.uni_chair, proc.hos_chair):
            page = _results_page(own_client(member), proc)
            assert SECRET not in page
            assert "Hidden until you have submitted your own scores" in page
        # The member who submitted sees their own sheet, never someone else's draft.
        page = _results_page(own_client(proc.hos_member), proc)
        assert _note(proc.hos_member) in page
        assert _note(proc.uni_chair) not in page

    def test_it_shows_only_your_own_sheet_on_the_candidate_page(self, scene, own_client):
        proc, anna = scene
        page = text(own_client(proc.uni_member).get(f"/selection/candidates/{anna.pk}/"))
        assert SECRET not in page
        page = text(own_client(proc.uni_chair).get(f"/selection/candidates/{anna.pk}/"))
        assert _note(proc.uni_chair) in page  # their own draft, to continue
        assert _note(proc.hos_member) not in page
        page = text(own_client(proc.hos_member).get(f"/selection/candidates/{anna.pk}/"))
        assert _note(proc.hos_member) in page
        assert _note(proc.uni_chair) not in page

    def test_it_hides_the_others_scores_in_the_api_until_you_submit(self, scene, own_client):
        proc, anna = scene
        for member in (proc.uni_member, proc.uni_chair, proc.hos_chair):
            row = _api_results(own_client(member), proc)[anna.pk]
            assert row["visible"] is False
            assert row["criteria"] == []
            assert row["weighted_total"] is None
            assert row["rank"] is None
            assert row["submitted"] == 1
        row = _api_results(own_client(proc.hos_member), proc)[anna.pk]
        assert row["visible"] is True
        values = [v for c in row["criteria"] for v in c["values"]]
        assert {v["member"] for v in values} == {"Dirk Doctor"}
        assert SECRET not in str(_api_results(own_client(proc.uni_member), proc))

    def test_it_shows_the_office_nothing_until_everyone_has_scored(self, scene, own_client):
        proc, anna = scene
        office = own_client(proc.world.office)
        assert SECRET not in _results_page(office, proc)
        assert _api_results(office, proc)[anna.pk]["visible"] is False
        stage = proc.stage()
        score(stage, anna, proc.uni_chair, 2, justification=_note(proc.uni_chair))
        score(stage, anna, proc.uni_member, 3, justification=_note(proc.uni_member))
        assert _api_results(office, proc)[anna.pk]["visible"] is False
        score(stage, anna, proc.hos_chair, 5, justification=_note(proc.hos_chair))
        page = _results_page(office, proc)
        for member in proc.members:
            assert _note(member) in page
        row = _api_results(office, proc)[anna.pk]
        assert row["visible"] is True
        assert row["rank"] == 1

    def test_it_does_not_unlock_a_candidate_by_a_sheet_of_another(self, scene, own_client):
        proc, anna = scene
        bram = proc.candidates[1]
        score(proc.stage(), bram, proc.uni_member, 3)
        rows = _api_results(own_client(proc.uni_member), proc)
        assert rows[anna.pk]["visible"] is False
        assert rows[bram.pk]["visible"] is True

    def test_it_does_not_unlock_the_interview_by_a_sheet_of_the_screening(self, world, proc):
        anna = proc.candidates[0]
        score(proc.stage(), anna, proc.hos_member, 4)
        score(proc.stage(), anna, proc.uni_member, 4)
        services.invite_to_interview(
            actor=fresh(world.office),
            applications=[anna],
            starts_at=_tomorrow(),
            duration_minutes=45,
            location="Room 1",
        )
        interview = proc.stage("interview")
        score(interview, anna, proc.hos_member, 5, justification=_note(proc.hos_member))
        [row] = [
            r for r in stage_results(interview, fresh(proc.uni_member)) if r.application == anna
        ]
        assert not row.visible
        [row] = [
            r for r in stage_results(proc.stage(), fresh(proc.uni_member)) if r.application == anna
        ]
        assert row.visible

    def test_it_sends_no_score_by_email(self, world, proc, emails, own_client):
        stage = proc.stage()
        with emails() as sent:
            for member in proc.members:
                client = own_client(member)
                for candidate in proc.candidates:
                    data = {"submit": "yes"}
                    for criterion in stage.criteria.all():
                        data[f"score_{criterion.pk}"] = "4"
                        data[f"justification_{criterion.pk}"] = _note(member)
                    response = client.post(
                        f"/selection/candidates/{candidate.pk}/stages/{stage.pk}/score/", data
                    )
                    assert response.status_code == 302
            shortlisted(proc)
        assert Score.objects.count() == 4 * 3 * 5
        assert SECRET not in bodies(sent)


def _tomorrow() -> dt.datetime:
    return timezone.now() + dt.timedelta(days=1)


class TestSubmitting:
    def test_it_needs_every_criterion_with_a_justification_to_submit(self, world, proc):
        anna = proc.candidates[0]
        stage = proc.stage()
        criteria = list(stage.criteria.all())
        before = snapshot()
        scores = {c.pk: (4, "Good.") for c in criteria[:-1]}
        with pytest.raises(ValidationError) as error:
            services.save_scores(
                actor=fresh(proc.hos_member),
                stage=stage,
                application=anna,
                scores=scores,
                submit=True,
            )
        assert set(error.value.message_dict) == {f"score_{criteria[-1].pk}"}
        scores = {c.pk: (4, "Good.") for c in criteria} | {criteria[0].pk: (4, "   ")}
        with pytest.raises(ValidationError) as error:
            services.save_scores(
                actor=fresh(proc.hos_member),
                stage=stage,
                application=anna,
                scores=scores,
                submit=True,
            )
        assert set(error.value.message_dict) == {f"justification_{criteria[0].pk}"}
        assert snapshot() == before
        # A draft may be incomplete and unjustified.
        sheet = services.save_scores(
            actor=fresh(proc.hos_member),
            stage=stage,
            application=anna,
            scores={criteria[0].pk: (2, "")},
            submit=False,
        )
        assert sheet.submitted_at is None
        assert sheet.scores.get().value == 2

    @pytest.mark.parametrize("value", [0, 6, -1, 100])
    def test_it_takes_a_score_from_one_to_five(self, world, proc, value):
        stage = proc.stage()
        before = snapshot()
        with pytest.raises(ValidationError):
            services.save_scores(
                actor=fresh(proc.hos_member),
                stage=stage,
                application=proc.candidates[0],
                scores={c.pk: (value, "Why.") for c in stage.criteria.all()},
                submit=False,
            )
        assert snapshot() == before

    def test_it_keeps_a_submitted_sheet_final(self, world, proc, client_for):
        anna = proc.candidates[0]
        stage = proc.stage()
        sheet = score(stage, anna, proc.hos_member, 4)
        before = snapshot()
        with pytest.raises(ActionRefused) as refusal:
            score(stage, anna, proc.hos_member, 1)
        assert refusal.value.code == "already_submitted"
        data = {"submit": "no"} | {f"score_{c.pk}": "1" for c in stage.criteria.all()}
        response = client_for(proc.hos_member).post(
            f"/selection/candidates/{anna.pk}/stages/{stage.pk}/score/", data, follow=True
        )
        assert "already submitted" in " ".join(messages_of(response))
        assert snapshot() == before
        assert {s.value for s in ScoreSheet.objects.get(pk=sheet.pk).scores.all()} == {4}

    def test_it_names_what_is_missing_on_the_page(self, world, proc, client_for):
        anna = proc.candidates[0]
        stage = proc.stage()
        before = snapshot()
        data = {"submit": "yes"} | {f"score_{c.pk}": "3" for c in stage.criteria.all()}
        response = client_for(proc.hos_member).post(
            f"/selection/candidates/{anna.pk}/stages/{stage.pk}/score/", data, follow=True
        )
        assert "Justify every score in writing." in " ".join(messages_of(response))
        assert snapshot() == before

    def test_it_saves_a_draft_and_then_submits_on_the_page(self, world, proc, client_for):
        anna = proc.candidates[0]
        stage = proc.stage()
        client = client_for(proc.hos_member)
        criteria = list(stage.criteria.all())
        data = {"submit": "no", f"score_{criteria[0].pk}": "5"}
        response = client.post(
            f"/selection/candidates/{anna.pk}/stages/{stage.pk}/score/", data, follow=True
        )
        assert "Your scores have been saved as a draft." in messages_of(response)
        data = {"submit": "yes"}
        for criterion in criteria:
            data[f"score_{criterion.pk}"] = "4"
            data[f"justification_{criterion.pk}"] = "Clear in the thesis."
        response = client.post(
            f"/selection/candidates/{anna.pk}/stages/{stage.pk}/score/", data, follow=True
        )
        assert "you now see the others' scores" in " ".join(messages_of(response))
        sheet = ScoreSheet.objects.get(application=anna, member__user=proc.hos_member)
        assert sheet.submitted_at is not None
        assert sorted(s.value for s in sheet.scores.all()) == [4] * 5

    @pytest.mark.parametrize("who", ["coordinator_a", "office", "trainee_a"])
    def test_it_lets_only_members_score(self, world, proc, who):
        stage = proc.stage()
        before = snapshot()
        with pytest.raises(PermissionDenied):
            score(stage, proc.candidates[0], getattr(world, who))
        assert snapshot() == before

    def test_it_scores_a_candidate_only_in_their_stage(self, world, proc):
        anna = proc.candidates[0]
        with pytest.raises(ActionRefused) as refusal:
            score(proc.stage("interview"), anna, proc.hos_member)
        assert refusal.value.code == "invalid_state"
        with pytest.raises(ActionRefused):
            score(proc.stage("decision"), anna, proc.hos_member)
        services.withdraw_application(actor=fresh(anna.applicant), application=anna)
        with pytest.raises(ActionRefused):
            score(proc.stage(), anna, proc.hos_member)


class TestSideBySide:
    @pytest.fixture
    def scored(self, world, proc):
        """Everyone has scored everyone. Anna is strong where the weight is (technical depth and
        design count twice), Bram elsewhere; on design, the members disagree about Chloë."""
        anna, bram, chloe = proc.candidates
        stage = proc.stage()
        heavy = {"Technical and mathematical depth": 5, "Design ability": 5}
        light = {"Clinical affinity": 1, "Communication in Dutch": 1}
        light["Motivation and fit with the hospital"] = 1
        for member in proc.members:
            score(stage, anna, member, heavy | light)
            score(stage, bram, member, dict.fromkeys(heavy, 1) | dict.fromkeys(light, 5))
        for member, design in zip(proc.members, (1, 3, 3, 3), strict=True):
            score(stage, chloe, member, {"Design ability": design})
        return proc

    def test_it_ranks_by_weighted_total(self, scored):
        proc = scored
        anna, bram, chloe = proc.candidates
        results = stage_results(proc.stage(), fresh(proc.world.office))
        assert [(r.application, r.rank, r.weighted_total) for r in results] == [
            (anna, 1, round(23 / 7, 2)),
            (chloe, 2, round(20 / 7, 2)),
            (bram, 3, round(19 / 7, 2)),
        ]

    def test_it_shows_spread_averages_and_disagreements(self, scored):
        proc = scored
        chloe = proc.candidates[2]
        [result] = [
            r for r in stage_results(proc.stage(), fresh(proc.hos_chair)) if r.application == chloe
        ]
        by_name = {c.criterion.name_en: c for c in result.criteria}
        design = by_name["Design ability"]
        assert sorted(v for _n, v, _j in design.values) == [1, 3, 3, 3]
        assert (design.spread, design.average, design.disagreement) == (2, 2.5, True)
        clinical = by_name["Clinical affinity"]
        assert (clinical.spread, clinical.average, clinical.disagreement) == (0, 3, False)
        assert {n for n, _v, _j in design.values} == {m.full_name for m in proc.members}

    def test_it_takes_the_threshold_of_the_stage(self, scored):
        proc = scored
        stage = proc.stage()
        stage.disagreement_threshold = 3
        stage.save()
        chloe = proc.candidates[2]
        [result] = [
            r for r in stage_results(stage, fresh(proc.hos_chair)) if r.application == chloe
        ]
        assert not any(c.disagreement for c in result.criteria)

    def test_it_shows_it_all_on_the_page_and_in_the_api(self, scored, own_client):
        proc = scored
        anna, bram, chloe = proc.candidates
        client = own_client(proc.uni_member)
        page = _results_page(client, proc)
        assert page.index("#1 ·") < page.index("#2 ·") < page.index("#3 ·")
        assert page.index("Anna Applicant") < page.index("Chloë Claes") < page.index("Bram Bakker")
        assert page.count('class="disagreement"') == 1
        assert "discuss" in page
        rows = _api_results(client, proc)
        assert [rows[a.pk]["rank"] for a in (anna, chloe, bram)] == [1, 2, 3]
        design = [c for c in rows[chloe.pk]["criteria"] if c["disagreement"]]
        assert len(design) == 1
        assert design[0]["spread"] == 2
        assert rows[anna.pk]["weighted_total"] == round(23 / 7, 2)
