"""The committee's scores side by side come a page of candidates at a time: the ranking is the
ranking of the whole stage (the candidate ranked #11 opens the second page, not #1 of it), the
candidates without a rank follow the ranked ones, and a member who has just scored a candidate
is taken to the page that holds them."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from qme.selection.models import Application, ApplicationStatus, Score, ScoreSheet
from qme.selection.views_committee import RESULTS_PER_PAGE
from tests.factories import UserFactory
from tests.helpers import api

from .factories import procedure_for, score

HEADING = re.compile(r'<h2 id="result-(\d+)">(?:#(\d+) · )?')
TOTAL = re.compile(r"weighted total (\d+(?:[.,]\d+)?)")


def _scored_candidates(proc, n: int) -> list[Application]:
    """n more submitted candidates, each scored by every member (the same values from all,
    different for each candidate, so that the weighted totals differ)."""
    now = timezone.now()
    applications = Application.objects.bulk_create(
        Application(
            position=proc.position,
            applicant=UserFactory(full_name=f"Candidate {i:02d}"),
            status=ApplicationStatus.SUBMITTED,
            submitted_at=now,
            master_field="Biomedical Engineering",
        )
        for i in range(n)
    )
    stage = proc.stage()
    criteria = list(stage.criteria.all())
    sheets = ScoreSheet.objects.bulk_create(
        ScoreSheet(stage=stage, application=a, member=m, submitted_at=now)
        for a in applications
        for m in proc.position.committee.all()
    )
    position_of = {a.pk: i for i, a in enumerate(applications)}
    Score.objects.bulk_create(
        Score(
            sheet=s,
            criterion=c,
            value=1 + (position_of[s.application_id] + k) % 5,
            justification=f"Justified {position_of[s.application_id]}-{k}.",
        )
        for s in sheets
        for k, c in enumerate(criteria)
    )
    return applications


def _page(client, proc, query: str = "") -> tuple[str, list[tuple[int, int | None, str]]]:
    response = client.get(f"/selection/{proc.position.pk}/stages/{proc.stage().pk}/{query}")
    assert response.status_code == 200
    html = response.content.decode()
    sections = html.split('<section class="card">')[1:]
    rows = []
    for section in sections:
        heading = HEADING.search(section)
        total = TOTAL.search(section)
        rows.append(
            (
                int(heading.group(1)),
                int(heading.group(2)) if heading.group(2) else None,
                total.group(1) if total else "",
            )
        )
    return html, rows


@pytest.fixture
def stage_of_many(world, own_client):
    """The three candidates of the procedure, not scored by anyone, and 23 scored by everyone:
    three pages for the programme office."""
    proc = procedure_for(world)
    scored = _scored_candidates(proc, 23)
    return proc, scored, own_client(world.office)


def test_it_ranks_across_the_pages_as_over_the_whole_stage(stage_of_many):
    proc, scored, office = stage_of_many
    html, first = _page(office, proc)
    assert len(first) == RESULTS_PER_PAGE
    assert "Page 1 of 3 · 26 results" in html
    seen = list(first)
    for number in (2, 3):
        html, rows = _page(office, proc, f"?page={number}")
        assert f"Page {number} of 3" in html
        seen += rows
    # Every candidate once; the ranks run 1, 2, 3 ... over the pages, best total first.
    assert sorted(pk for pk, _rank, _total in seen) == sorted(
        [a.pk for a in scored] + [a.pk for a in proc.candidates]
    )
    ranked = [row for row in seen if row[1] is not None]
    assert [rank for _pk, rank, _total in ranked] == list(range(1, 24))
    totals = [float(total.replace(",", ".")) for _pk, _rank, total in ranked]
    assert totals == sorted(totals, reverse=True)
    # The candidates nobody has scored come last, on the last page, without a rank.
    assert {pk for pk, rank, _total in seen[23:]} == {a.pk for a in proc.candidates}
    assert all(rank is None for _pk, rank, _total in seen[23:])


def test_it_shows_the_same_ranks_and_totals_as_the_api(stage_of_many):
    proc, _scored, office = stage_of_many
    rows = api(office, "get", f"selection/{proc.position.pk}/stages/{proc.stage().pk}/results")
    expected = {row["application_id"]: (row["rank"], row["weighted_total"]) for row in rows.json()}
    for number in (1, 2, 3):
        _html, page = _page(office, proc, f"?page={number}")
        for pk, rank, total in page:
            assert expected[pk][0] == rank
            if rank is not None:
                assert float(total.replace(",", ".")) == expected[pk][1]


def test_it_shows_each_members_scores_only_for_the_candidates_of_the_page(stage_of_many):
    proc, _scored, office = stage_of_many
    html, _rows = _page(office, proc)
    assert html.count("Justified") == RESULTS_PER_PAGE * len(proc.criteria()) * len(proc.members)


def test_it_opens_the_page_that_holds_a_candidate(stage_of_many):
    proc, _scored, office = stage_of_many
    _html, second = _page(office, proc, "?page=2")
    wanted = second[3][0]
    _html, rows = _page(office, proc, f"?candidate={wanted}")
    assert rows == second
    # An unknown candidate opens the first page.
    _html, first = _page(office, proc)
    assert _page(office, proc, "?candidate=0")[1] == first


def test_it_links_a_member_who_has_scored_to_the_candidates_page_of_results(world, own_client):
    proc = procedure_for(world)
    anna = proc.candidates[0]
    score(proc.stage(), anna, proc.hos_member, 4)
    page = own_client(proc.hos_member).get(f"/selection/candidates/{anna.pk}/").content.decode()
    link = (
        f"/selection/{proc.position.pk}/stages/{proc.stage().pk}/"
        f"?candidate={anna.pk}#result-{anna.pk}"
    )
    assert link in page


def test_it_keeps_the_scores_blind_on_every_page(stage_of_many, own_client):
    """A member who has scored none of the candidates sees no score on any page."""
    proc, scored, _office = stage_of_many
    ScoreSheet.objects.filter(application__in=scored, member__user=proc.uni_member).update(
        submitted_at=None
    )
    client = own_client(proc.uni_member)
    for number in (1, 2, 3):
        html, rows = _page(client, proc, f"?page={number}")
        assert "Justified" not in html
        assert all(rank is None and total == "" for _pk, rank, total in rows)


def test_the_kept_ranking_takes_in_a_new_score_at_once(stage_of_many):
    """The ranking is kept between pages (reading every candidate again on each page is most
    of the page's cost), and a sheet submitted in between shows on the next page at once."""
    proc, _scored, office = stage_of_many
    _page(office, proc)
    with CaptureQueriesContext(connection) as kept:
        _page(office, proc, "?page=3")
    kept_queries = len(kept)  # read now: a later request outside a capture resets the log
    unscored = proc.candidates[0]
    for member in proc.position.committee.all():
        score(proc.stage(), unscored, member.user, 5)
    with CaptureQueriesContext(connection) as ranked_again:
        _html, rows = _page(office, proc)
    assert len(ranked_again) > kept_queries
    assert rows[0][:2] == (unscored.pk, 1), "scored 5 by everyone: first"
