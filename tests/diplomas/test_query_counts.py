"""The graduation cases, the register, the public check by number and the cases API cost the same
number of queries with thirty graduates as with three."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from qme.graduation.models import BoardVote, CaseStatus, Diploma, GraduationCase
from qme.organisations.models import RoleKind
from tests.factories import person_with_role
from tests.helpers import api
from tests.training.factories import traineeship_of

from .builders import diploma_of, second_board_member

MANY = 30


def _queries(client, path: str, **kwargs) -> tuple[int, object]:
    cache.clear()  # nothing kept from before (the navigation): the page's whole cost
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, **kwargs)
    assert response.status_code == 200, (path, response.status_code)
    return len(queries), response


class _Graduates:
    """Graduates made in bulk: a traineeship each, a case with two votes, a diploma in the
    register (a copy of a real one's credential)."""

    def __init__(self, world, template: Diploma) -> None:
        self.world = world
        self.template = template
        self.count = 0
        self.bea = second_board_member(world)

    def add(self, count: int, *, status: str = CaseStatus.GRANTED) -> None:
        for _ in range(count):
            self.count += 1
            n = self.count
            trainee = person_with_role(
                RoleKind.TRAINEE,
                self.world.hospital_a if n % 2 else self.world.hospital_b,
                full_name=f"Graduate {n:02d}",
                email=f"graduate{n:02d}@example.org",
            )
            hospital = self.world.hospital_a if n % 2 else self.world.hospital_b
            traineeship = traineeship_of(
                self.world,
                trainee=trainee,
                hospital=hospital,
                design_project_title=f"Design project {n:02d}",
            )
            case = GraduationCase.objects.create(
                traineeship=traineeship,
                proposed_by=self.world.office,
                status=status,
                decided_at=None if status == CaseStatus.PROPOSED else timezone.now(),
                decided_by=None if status == CaseStatus.PROPOSED else self.world.board_member,
            )
            for member in (self.world.board_member, self.bea):
                BoardVote.objects.create(case=case, member=member, vote="grant")
            if status == CaseStatus.GRANTED:
                Diploma.objects.create(
                    traineeship=traineeship,
                    case=case,
                    number=f"QME-1999-{n:04d}",
                    holder_name=trainee.full_name,
                    status_index=10_000 + n,
                    credential=self.template.credential,
                    in_register=True,
                )


@pytest.fixture
def graduates(world, rules, catalogue) -> _Graduates:
    first = diploma_of(world, catalogue)
    Diploma.objects.filter(pk=first.pk).update(in_register=True)
    return _Graduates(world, first)


@pytest.mark.parametrize("persona", ["office", "board_member"])
def test_the_cases_page_costs_a_fixed_number_of_queries(world, graduates, client_for, persona):
    client = client_for(getattr(world, persona))
    graduates.add(2)
    graduates.add(2, status=CaseStatus.PROPOSED)
    client.get("/graduation/")
    few, _response = _queries(client, "/graduation/")
    graduates.add(MANY)
    graduates.add(MANY, status=CaseStatus.PROPOSED)
    many, response = _queries(client, "/graduation/")
    assert len(response.context["open"]) == MANY + 2
    assert response.content.decode().count("2 votes") == MANY + 2
    assert many == few, f"{few} queries with 4 cases, {many} with {2 * MANY + 4}"
    assert many <= 15


def test_the_cases_api_costs_a_fixed_number_of_queries(world, graduates, client_for):
    client = client_for(world.office)
    graduates.add(3)
    cache.clear()  # the whole cost each time: nothing kept (the list and the roles are)
    with CaptureQueriesContext(connection) as few:
        assert api(client, "get", "graduation-cases?limit=100").status_code == 200
    graduates.add(MANY)
    cache.clear()
    with CaptureQueriesContext(connection) as many:
        answer = api(client, "get", "graduation-cases?limit=100")
    assert answer.json()["count"] == MANY + 4
    assert len(answer.json()["items"]) == MANY + 4
    assert all(len(case["votes"]) == 2 for case in answer.json()["items"])
    assert len(many) == len(few), f"{len(few)} queries with 4 cases, {len(many)} with more"


def test_the_cases_api_answers_a_page_at_a_time_the_latest_first(world, graduates, client_for):
    client = client_for(world.board_member)
    graduates.add(MANY)
    graduates.add(2, status=CaseStatus.PROPOSED)
    newest_first = list(
        GraduationCase.objects.order_by("-proposed_at", "-pk").values_list("pk", flat=True)
    )
    first = api(client, "get", "graduation-cases?limit=10").json()
    second = api(client, "get", "graduation-cases?limit=10&offset=10").json()
    assert first["count"] == second["count"] == MANY + 3
    assert [c["id"] for c in first["items"] + second["items"]] == newest_first[:20]
    waiting = api(client, "get", "graduation-cases?status=proposed").json()
    assert waiting["count"] == 2
    assert {c["status"] for c in waiting["items"]} == {"proposed"}
    assert api(client, "get", "graduation-cases?status=maybe").status_code == 422


def test_the_register_costs_a_fixed_number_of_queries(graduates, visitor):
    graduates.add(3)
    visitor.get("/register/")
    few, _response = _queries(visitor, "/register/")
    graduates.add(MANY)
    many, response = _queries(visitor, "/register/")
    assert response.content.decode().count("Design project ") >= MANY + 3
    assert many == few, f"{few} queries with 4 graduates, {many} with {MANY + 4}"
    assert many <= 5


def test_the_check_by_number_costs_a_few_queries(graduates, visitor, world):
    from qme.graduation import issuing

    number = graduates.template.number
    graduates.add(MANY)
    for path in (f"/verify/?number={number}", f"/v/{number}/"):
        count, response = _queries(visitor, path)
        assert "verdict-valid" in response.content.decode()
        assert count <= 5, (path, count)
    count, _response = _queries(visitor, f"/api/v1/diplomas/{number}/verification")
    assert count <= 5
    # A revoked and reissued diploma names its successor at the same cost.
    issuing.reissue(actor=world.office, diploma=graduates.template, reason="Name.", holder_name="T")
    for path in (f"/verify/?number={number}", f"/v/{number}/"):
        count, response = _queries(visitor, path)
        assert "verdict-revoked" in response.content.decode()
        assert count <= 5, (path, count)
