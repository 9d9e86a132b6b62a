"""Who sees which diploma: the graduate keeps access to their own; the traineeship's supervisors
and doctor see it too, on the pages as in the API; the programme office and the examination
board see every diploma; anyone else gets 404 for someone's diploma files, in the pages and in
the API alike, and only the programme office revokes."""

from __future__ import annotations

import pytest

from qme.graduation.models import Diploma
from qme.organisations.models import RoleKind
from tests.factories import person_with_role
from tests.helpers import api

PAGES = ["", "diploma/", "supplement/", "credential/"]


@pytest.fixture
def other_trainee(world):
    return person_with_role(
        RoleKind.TRAINEE, world.hospital_a, full_name="Otto Other", email="otto@example.org"
    )


ALLOWED = [
    "trainee_a",
    "university_supervisor",
    "supervisor_a",
    "doctor_a",
    "office",
    "board_member",
]


@pytest.mark.parametrize("persona", ALLOWED)
def test_the_graduate_supervisors_office_and_board_open_the_diploma_and_its_files(
    world, diploma, client_for, persona
):
    client = client_for(getattr(world, persona))
    for page in PAGES:
        response = client.get(f"/diplomas/{diploma.number}/{page}")
        assert response.status_code == 200, page
    pdf = client.get(f"/diplomas/{diploma.number}/diploma/")
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")
    # The API agrees with the pages.
    answer = api(client, "get", f"traineeships/{diploma.traineeship_id}/diplomas")
    assert answer.status_code == 200
    assert [d["number"] for d in answer.json()] == [diploma.number]
    if persona == "board_member":
        return  # the board reads the record on its case page, not the trainee's pages
    # The requirements page leads to the diploma.
    page = client.get(f"/graduation/requirements/{diploma.traineeship_id}/")
    assert f'href="/diplomas/{diploma.number}/"' in page.content.decode()


def test_a_supervisor_of_another_traineeship_gets_404(world, diploma, client_for):
    other = person_with_role(
        RoleKind.UNIVERSITY_SUPERVISOR,
        world.university,
        full_name="Ugo Unrelated",
        email="ugo@example.org",
    )
    client = client_for(other)
    for page in PAGES:
        assert client.get(f"/diplomas/{diploma.number}/{page}").status_code == 404, page
    answer = api(client, "get", f"traineeships/{diploma.traineeship_id}/diplomas")
    assert answer.status_code == 404


def test_the_hospital_coordinator_reads_the_record_but_not_the_diploma(world, diploma, client_for):
    """The coordinator of the trainee's hospital may look at the traineeship, but the diploma is
    the graduate's: the pages and the API both answer 404."""
    client = client_for(world.coordinator_a)
    assert client.get(f"/training/{diploma.traineeship_id}/").status_code == 200
    for page in PAGES:
        assert client.get(f"/diplomas/{diploma.number}/{page}").status_code == 404, page
    answer = api(client, "get", f"traineeships/{diploma.traineeship_id}/diplomas")
    assert answer.status_code == 404
    page = client.get(f"/graduation/requirements/{diploma.traineeship_id}/")
    assert page.status_code == 200
    assert f"/diplomas/{diploma.number}/" not in page.content.decode()


@pytest.mark.parametrize("persona", ["other_trainee", "coordinator_b", "applicant"])
def test_anyone_else_gets_404_for_someone_s_diploma_files(
    world, diploma, client_for, other_trainee, persona
):
    person = other_trainee if persona == "other_trainee" else getattr(world, persona)
    client = client_for(person)
    for page in PAGES:
        assert client.get(f"/diplomas/{diploma.number}/{page}").status_code == 404, page
    answer = api(client, "get", f"traineeships/{diploma.traineeship_id}/diplomas")
    assert answer.status_code == 404
    # The public check stays open to them, as to anyone.
    assert client.get(f"/v/{diploma.number}/").status_code == 200


def test_signed_out_the_files_ask_for_a_sign_in(diploma, visitor):
    for page in PAGES:
        response = visitor.get(f"/diplomas/{diploma.number}/{page}")
        assert response.status_code == 302, page
        assert response["Location"].startswith("/accounts/login/")
    assert visitor.post(f"/diplomas/{diploma.number}/revoke/", {"reason": "x"}).status_code == 302
    answer = api(visitor, "get", f"traineeships/{diploma.traineeship_id}/diplomas")
    assert answer.status_code == 401
    assert Diploma.objects.get().revoked_at is None


@pytest.mark.parametrize(
    "persona", ["trainee_a", "board_member", "coordinator_a", "university_supervisor"]
)
def test_only_the_office_revokes(world, diploma, client_for, persona):
    client = client_for(getattr(world, persona))
    for action in ("revoke", "reissue"):
        response = client.post(
            f"/diplomas/{diploma.number}/revoke/",
            {"action": action, "reason": "Because.", "holder_name": "Someone Else"},
        )
        assert response.status_code == 403
    page = client.get(f"/diplomas/{diploma.number}/")
    if page.status_code == 200:
        assert "/revoke/" not in page.content.decode()
    assert Diploma.objects.count() == 1
    assert Diploma.objects.get().revoked_at is None


def test_the_office_reissues_on_the_page(world, diploma, client_for):
    client = client_for(world.office)
    response = client.post(
        f"/diplomas/{diploma.number}/revoke/",
        {"action": "reissue", "reason": "Name misspelled.", "holder_name": "Tim T. Trainee"},
    )
    new = Diploma.objects.get(revoked_at__isnull=True)
    assert response.status_code == 302
    assert response["Location"] == f"/diplomas/{new.number}/"
    assert new.holder_name == "Tim T. Trainee"
    assert Diploma.objects.get(pk=diploma.pk).replaced_by == new
    # The graduate sees both, the old one marked as revoked and pointing to the new one.
    trainee = client_for(world.trainee_a)
    text = trainee.get(f"/diplomas/{diploma.number}/").content.decode()
    assert f"/diplomas/{new.number}/" in text
    answer = api(trainee, "get", f"traineeships/{diploma.traineeship_id}/diplomas").json()
    by_number = {d["number"]: d for d in answer}
    assert by_number[diploma.number]["replaced_by"] == new.number
    assert by_number[diploma.number]["revoked_at"]
    assert by_number[new.number]["replaced_by"] is None


def test_a_revoke_of_an_unknown_number_is_404(world, db, client_for):
    client = client_for(world.office)
    assert client.post("/diplomas/QME-1999-0001/revoke/", {"reason": "x"}).status_code == 404
    assert client.get("/diplomas/QME-1999-0001/revoke/").status_code == 405
