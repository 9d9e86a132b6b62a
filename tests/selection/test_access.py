"""Who sees which applicant: documents only for the applicant, the committee of that position and
the programme office, always as a download; a member of one committee sees nothing of another
position; an applicant sees only their own; a hospital coordinator outside the committee sees no
applicants, in the pages as in the API."""

from __future__ import annotations

import pytest

from qme.selection import services
from tests.factories import UserFactory
from tests.helpers import api

from .factories import PDF_BYTES, applicant, procedure_for
from .helpers import text


@pytest.fixture
def two(world, proc):
    """Position X (hospital A, `proc`) and position Y (hospital B), each with its committee and
    candidates."""
    return proc, procedure_for(world, candidates=2, hospital=world.hospital_b)


def _candidate_paths(proc) -> list[str]:
    anna = proc.candidates[0]
    stage = proc.stage()
    return [
        f"/selection/{proc.position.pk}/",
        f"/selection/{proc.position.pk}/stages/{stage.pk}/",
        f"/selection/{proc.position.pk}/decision/",
        f"/selection/candidates/{anna.pk}/",
        f"/applications/{anna.pk}/",
        f"/applications/{anna.pk}/documents/cv/",
    ]


def _api_paths(proc) -> list[str]:
    anna = proc.candidates[0]
    return [
        f"selection/{proc.position.pk}/candidates",
        f"selection/{proc.position.pk}/committee",
        f"selection/{proc.position.pk}/stages",
        f"selection/{proc.position.pk}/stages/{proc.stage().pk}/results",
        f"applications/{anna.pk}",
    ]


class TestDocuments:
    @pytest.mark.parametrize("who", ["applicant", "member", "office"])
    def test_it_serves_a_document_as_a_download_to_those_who_may_see_it(
        self, world, proc, own_client, who
    ):
        anna = proc.candidates[0]
        person = {"applicant": anna.applicant, "member": proc.hos_member, "office": world.office}
        response = own_client(person[who]).get(f"/applications/{anna.pk}/documents/motivation/")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Disposition"].startswith("attachment;")
        assert f'filename="motivation-{anna.pk}.pdf"' in response["Content-Disposition"]
        assert b"".join(response.streaming_content) == PDF_BYTES

    @pytest.mark.parametrize(
        "who", ["coordinator_a", "coordinator_b", "doctor_of_y", "other_applicant", "trainee_a"]
    )
    def test_it_hides_a_document_from_everyone_else(self, world, two, own_client, who):
        proc, other = two
        anna = proc.candidates[0]
        person = {
            "doctor_of_y": other.hos_member,
            "other_applicant": other.candidates[0].applicant,
        }.get(who) or getattr(world, who)
        for kind in services.DOCUMENTS:
            response = own_client(person).get(f"/applications/{anna.pk}/documents/{kind}/")
            assert response.status_code == 404

    def test_it_asks_a_visitor_to_sign_in(self, world, proc, client):
        anna = proc.candidates[0]
        response = client.get(f"/applications/{anna.pk}/documents/cv/")
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")

    def test_it_gives_a_document_no_public_address(self, world, proc, client, own_client):
        anna = proc.candidates[0]
        for path in (anna.cv.name, "/media/" + anna.cv.name, "/" + anna.cv.name):
            assert client.get("/" + path.lstrip("/")).status_code in (302, 404)
        page = text(own_client(proc.hos_member).get(f"/selection/candidates/{anna.pk}/"))
        assert anna.cv.name not in page
        assert f"/applications/{anna.pk}/documents/cv/" in page

    def test_it_does_not_find_an_unknown_or_missing_document(self, world, proc, own_client):
        anna = proc.candidates[0]
        client = own_client(anna.applicant)
        assert client.get(f"/applications/{anna.pk}/documents/passport/").status_code == 404
        assert client.get(f"/applications/{anna.pk}/documents/..%2Fcv/").status_code == 404
        anna.cv.storage.delete(anna.cv.name)  # gone from the disk
        assert client.get(f"/applications/{anna.pk}/documents/cv/").status_code == 404


class TestCommitteesSeeTheirOwnPosition:
    def test_it_shows_a_member_of_x_nothing_of_y(self, world, two, own_client):
        proc, other = two
        client = own_client(proc.hos_member)
        for path in _candidate_paths(other):
            assert client.get(path).status_code == 404, path
        for path in _api_paths(other):
            assert api(client, "get", path).status_code == 404, path
        page = text(client.get("/selection/"))
        assert f"/selection/{proc.position.pk}/" in page
        assert f"/selection/{other.position.pk}/" not in page

    def test_it_shows_a_member_their_own_position(self, world, two, own_client):
        proc, _other = two
        client = own_client(proc.hos_member)
        for path in _candidate_paths(proc):
            assert client.get(path).status_code in (200, 302), path
        for path in _api_paths(proc):
            assert api(client, "get", path).status_code == 200, path

    def test_it_shows_the_office_every_position(self, world, two, own_client):
        client = own_client(world.office)
        for proc in two:
            for path in _api_paths(proc):
                assert api(client, "get", path).status_code == 200, path
        page = text(client.get("/selection/"))
        assert all(f"/selection/{p.position.pk}/" in page for p in two)

    def test_it_hides_drafts_from_members(self, world, proc, own_client):
        draft = services.start_application(actor=applicant("Dirk Draft"), position=proc.position)
        client = own_client(proc.hos_member)
        assert client.get(f"/selection/candidates/{draft.pk}/").status_code == 404
        assert api(client, "get", f"applications/{draft.pk}").status_code == 404
        ids = [
            c["id"]
            for c in api(client, "get", f"selection/{proc.position.pk}/candidates").json()["items"]
        ]
        assert draft.pk not in ids
        assert sorted(ids) == sorted(a.pk for a in proc.candidates)


class TestApplicantsSeeTheirOwn:
    def test_it_shows_an_applicant_only_their_own_applications(self, world, two, own_client):
        proc, _other = two
        anna, bram = proc.candidates[:2]
        client = own_client(anna.applicant)
        for path in (
            f"/applications/{bram.pk}/",
            f"/applications/{bram.pk}/edit/",
            f"/applications/{bram.pk}/withdraw/",
            f"/selection/candidates/{bram.pk}/",
            f"/selection/{proc.position.pk}/",
        ):
            assert client.get(path).status_code == 404, path
        assert client.get("/selection/").status_code == 403
        assert api(client, "get", f"applications/{bram.pk}").status_code == 404
        assert [a["id"] for a in api(client, "get", "applications").json()] == [anna.pk]
        page = text(client.get("/applications/"))
        assert bram.applicant.full_name not in page
        assert api(client, "get", f"selection/{proc.position.pk}/candidates").status_code == 404

    def test_it_hides_the_committees_scores_from_the_applicant(self, world, proc, own_client):
        from .factories import score

        anna = proc.candidates[0]
        score(proc.stage(), anna, proc.hos_member, 4, justification="Private committee note")
        client = own_client(anna.applicant)
        assert "Private committee note" not in text(client.get(f"/applications/{anna.pk}/"))
        path = f"selection/{proc.position.pk}/stages/{proc.stage().pk}/results"
        assert api(client, "get", path).status_code == 404


class TestCoordinatorsOutsideTheCommittee:
    def test_it_shows_a_coordinator_of_the_hospital_no_applicants(self, world, proc, own_client):
        client = own_client(world.coordinator_a)
        assert client.get("/selection/").status_code == 403
        for path in _candidate_paths(proc):
            assert client.get(path).status_code == 404, path
        for path in _api_paths(proc):
            assert api(client, "get", path).status_code == 404, path
        home = text(client.get("/"))
        for candidate in proc.candidates:
            assert candidate.applicant.full_name not in home
        page = text(client.get(f"/positions/{proc.position.pk}/"))
        for candidate in proc.candidates:
            assert candidate.applicant.full_name not in page

    def test_it_shows_someone_without_any_role_nothing(self, world, proc, own_client):
        client = own_client(UserFactory())
        assert client.get("/selection/").status_code == 403
        for path in _candidate_paths(proc):
            assert client.get(path).status_code == 404, path
