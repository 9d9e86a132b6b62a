"""Nobody sees what is not theirs.

Cora coordinates hospital A. She guesses every URL and ID of hospital B, in the pages and in the
API: what she may not see answers 404 and never shows B's data; what she may see but not change
answers 403; a visitor who is not signed in is sent to the sign-in page (pages) or gets 401 (API).
"""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType

from qme.accounts.models import User
from qme.organisations.models import Organisation, Role, RoleKind

from .factories import DepartmentFactory, person_with_role
from .helpers import api, page_text, row_counts


@pytest.fixture
def hospital_b_data(world):
    """Everything of hospital B that Cora must never see."""
    department = DepartmentFactory(organisation=world.hospital_b, name="Geheime Afdeling B")
    doctor = person_with_role(
        RoleKind.MEDICAL_DOCTOR,
        world.hospital_b,
        full_name="Bea Secret-Doctor",
        email="bea.secret@example.org",
    )
    role = doctor.roles.get()
    return {
        "department": department,
        "doctor": doctor,
        "role": role,
        "organisation_type": ContentType.objects.get_for_model(Organisation).pk,
        "person_type": ContentType.objects.get_for_model(User).pk,
    }


def _pages_of_hospital_b(world, b) -> list[str]:
    hospital, department = world.hospital_b, b["department"]
    doctor, role = b["doctor"], b["role"]
    return [
        f"/organisations/{hospital.pk}/",
        f"/organisations/{hospital.pk}/edit/",
        f"/organisations/{hospital.pk}/departments/new/",
        f"/organisations/{hospital.pk}/departments/{department.pk}/edit/",
        f"/people/{doctor.pk}/",
        f"/people/{doctor.pk}/edit/",
        f"/people/{doctor.pk}/status/",
        f"/people/{doctor.pk}/roles/{role.pk}/end/",
        f"/people/{world.coordinator_b.pk}/",
    ]


SECRETS = ["Maasoever", "Bea Secret-Doctor", "bea.secret@example.org", "Geheime Afdeling B"]


def _assert_no_secret(response) -> None:
    text = page_text(response)
    for secret in SECRETS:
        assert secret not in text, f"{secret!r} leaked by {response.request['PATH_INFO']}"


def test_it_answers_404_for_every_page_of_another_hospital(world, hospital_b_data, client_for):
    client = client_for(world.coordinator_a)
    for url in _pages_of_hospital_b(world, hospital_b_data):
        response = client.get(url)
        assert response.status_code == 404, url
        _assert_no_secret(response)


def test_it_changes_nothing_when_posting_to_another_hospital(world, hospital_b_data, client_for):
    client = client_for(world.coordinator_a)
    b = hospital_b_data
    before = row_counts()
    attempts = [
        (
            f"/organisations/{world.hospital_b.pk}/edit/",
            {"kind": "hospital", "name": "Taken over", "city": "X", "region": "ZH"},
        ),
        (f"/organisations/{world.hospital_b.pk}/departments/new/", {"name": "Infiltration"}),
        (
            f"/organisations/{world.hospital_b.pk}/departments/{b['department'].pk}/edit/",
            {"name": "Renamed", "is_active": ""},
        ),
        (
            f"/people/{b['doctor'].pk}/edit/",
            {"full_name": "Renamed", "email": "x@example.org", "language": "en"},
        ),
        (f"/people/{b['doctor'].pk}/status/", {"reason": "because"}),
        (
            f"/people/{b['doctor'].pk}/roles/",
            {"organisation": world.hospital_a.pk, "kind": RoleKind.TRAINEE},
        ),
        (f"/people/{b['doctor'].pk}/roles/{b['role'].pk}/end/", {"reason": "because"}),
    ]
    for url, data in attempts:
        response = client.post(url, data)
        assert response.status_code == 404, url
        _assert_no_secret(response)
    assert row_counts() == before
    b["doctor"].refresh_from_db()
    assert b["doctor"].full_name == "Bea Secret-Doctor"
    assert b["doctor"].is_active
    assert Role.objects.get(pk=b["role"].pk).ends_on is None


def test_it_answers_404_when_a_department_of_b_is_reached_through_hospital_a(
    world, hospital_b_data, client_for
):
    department = hospital_b_data["department"]
    url = f"/organisations/{world.hospital_a.pk}/departments/{department.pk}/edit/"
    response = client_for(world.office).get(url)
    assert response.status_code == 404
    response = client_for(world.coordinator_a).get(url)
    assert response.status_code in (403, 404)
    _assert_no_secret(response)


def test_it_answers_404_when_a_role_of_b_is_reached_through_a_person_of_a(
    world, hospital_b_data, client_for
):
    url = f"/people/{world.doctor_a.pk}/roles/{hospital_b_data['role'].pk}/end/"
    response = client_for(world.office).post(url, {"reason": "guessing"})
    assert response.status_code == 404
    assert Role.objects.get(pk=hospital_b_data["role"].pk).ends_on is None


def test_it_answers_403_for_changes_to_her_own_hospital(world, client_for):
    """Cora sees hospital A and its people, but only the programme office changes them."""
    client = client_for(world.coordinator_a)
    role = world.doctor_a.roles.get()
    before = row_counts()
    forbidden = [
        ("get", f"/organisations/{world.hospital_a.pk}/edit/"),
        ("get", f"/organisations/{world.hospital_a.pk}/departments/new/"),
        ("get", "/organisations/new/"),
        ("get", "/people/new/"),
        ("get", f"/people/{world.doctor_a.pk}/edit/"),
        ("get", f"/people/{world.doctor_a.pk}/status/"),
        ("get", f"/people/{world.doctor_a.pk}/roles/{role.pk}/end/"),
        ("post", f"/organisations/{world.hospital_a.pk}/departments/new/"),
        ("post", f"/people/{world.doctor_a.pk}/roles/"),
        ("post", f"/people/{world.doctor_a.pk}/status/"),
    ]
    for method, url in forbidden:
        response = getattr(client, method)(url, {"name": "x", "reason": "x"})
        assert response.status_code == 403, url
    assert row_counts() == before


def test_it_shows_her_own_hospital_and_its_people(world, client_for):
    client = client_for(world.coordinator_a)
    assert client.get(f"/organisations/{world.hospital_a.pk}/").status_code == 200
    for person in (world.doctor_a, world.supervisor_a, world.trainee_a, world.coordinator_a):
        assert client.get(f"/people/{person.pk}/").status_code == 200, person


def test_it_keeps_the_audit_trail_for_the_programme_office(world, hospital_b_data, client_for):
    client = client_for(world.coordinator_a)
    b = hospital_b_data
    for url in [
        "/audit/",
        f"/audit/object/{b['organisation_type']}/{world.hospital_b.pk}/",
        f"/audit/object/{b['organisation_type']}/{world.hospital_a.pk}/",
        f"/audit/person/{b['doctor'].pk}/",
        f"/audit/person/{world.coordinator_a.pk}/",
    ]:
        response = client.get(url)
        assert response.status_code == 403, url
        _assert_no_secret(response)


def test_it_lists_only_her_own_hospital(world, hospital_b_data, client_for):
    client = client_for(world.coordinator_a)
    organisations = client.get("/organisations/").context["page"].object_list
    assert [o.name for o in organisations] == ["Amstelland Medisch Centrum"]
    people = client.get("/people/?q=").context["page"].object_list
    assert {p.email for p in people} == {
        "cora@example.org",
        "dirk@example.org",
        "sara@example.org",
        "tim@example.org",
    }


def test_it_ignores_a_filter_on_another_hospital(world, hospital_b_data, client_for):
    client = client_for(world.coordinator_a)
    response = client.get(f"/people/?organisation={world.hospital_b.pk}")
    assert response.status_code == 200
    assert "organisation" in response.context["form"].errors
    _assert_no_secret(response)
    response = client.get("/organisations/?q=Maasoever")
    assert list(response.context["page"].object_list) == []


def test_it_hides_the_roles_a_colleague_holds_at_another_hospital(
    world, hospital_b_data, client_for
):
    """Dirk also works at hospital B. Cora sees Dirk, but not what he does at B."""
    Role.objects.create(
        user=world.doctor_a, organisation=world.hospital_b, kind=RoleKind.HOSPITAL_SUPERVISOR
    )
    client = client_for(world.coordinator_a)
    for url in [f"/people/{world.doctor_a.pk}/", "/people/"]:
        response = client.get(url)
        assert response.status_code == 200
        assert "Dirk Doctor" in page_text(response)
        _assert_no_secret(response)
    body = api(client, "get", f"people/{world.doctor_a.pk}").json()
    assert {role["organisation_id"] for role in body["roles"]} == {world.hospital_a.pk}
    listed = api(client, "get", "people?q=Dirk").json()["items"]
    assert [{r["organisation_id"] for r in p["roles"]} for p in listed] == [{world.hospital_a.pk}]
    assert api(client, "get", f"people?organisation_id={world.hospital_b.pk}").json() == {
        "items": [],
        "count": 0,
    }


def test_it_still_shows_dirk_all_of_his_own_roles(world, hospital_b_data, client_for):
    Role.objects.create(
        user=world.doctor_a, organisation=world.hospital_b, kind=RoleKind.HOSPITAL_SUPERVISOR
    )
    client = client_for(world.doctor_a)
    assert "Maasoever" in page_text(client.get(f"/people/{world.doctor_a.pk}/"))
    body = api(client, "get", "me").json()
    assert {role["organisation_id"] for role in body["roles"]} == {
        world.hospital_a.pk,
        world.hospital_b.pk,
    }


def test_it_sends_visitors_who_are_not_signed_in_to_sign_in(world, hospital_b_data, client):
    urls = [
        "/",
        "/organisations/",
        "/organisations/new/",
        "/people/",
        "/people/new/",
        "/audit/",
        f"/audit/person/{world.office.pk}/",
        "/accounts/profile/",
        "/accounts/api-tokens/",
        *_pages_of_hospital_b(world, hospital_b_data),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/?next="), url
    before = row_counts()
    response = client.post("/organisations/new/", {"name": "Anonymous", "kind": "hospital"})
    assert response.status_code == 302
    assert row_counts() == before


class TestTheApi:
    def test_it_answers_404_with_json_for_what_she_may_not_see(
        self, world, hospital_b_data, client_for
    ):
        client = client_for(world.coordinator_a)
        b = hospital_b_data
        for method, path, payload in [
            ("get", f"organisations/{world.hospital_b.pk}", None),
            ("get", f"organisations/{world.hospital_b.pk}/departments", None),
            ("get", f"organisations/{world.hospital_b.pk}/roles", None),
            ("patch", f"organisations/{world.hospital_b.pk}", {"name": "Taken over"}),
            ("post", f"organisations/{world.hospital_b.pk}/departments", {"name": "Infiltration"}),
            (
                "patch",
                f"organisations/{world.hospital_b.pk}/departments/{b['department'].pk}",
                {"name": "Renamed"},
            ),
            ("get", f"people/{b['doctor'].pk}", None),
            ("patch", f"people/{b['doctor'].pk}", {"full_name": "Renamed"}),
            (
                "post",
                f"people/{b['doctor'].pk}/roles",
                {"organisation_id": world.hospital_a.pk, "kind": "trainee"},
            ),
            ("post", f"people/{b['doctor'].pk}/deactivate", {"reason": "because"}),
            ("post", f"roles/{b['role'].pk}/end", {"reason": "because"}),
        ]:
            before = row_counts()
            response = api(client, method, path, payload)
            assert response.status_code == 404, path
            assert response.json()["code"] == "not_found", path
            _assert_no_secret(response)
            assert row_counts() == before, path

    def test_it_answers_403_with_json_for_changes_to_her_own_hospital(self, world, client_for):
        client = client_for(world.coordinator_a)
        role = world.doctor_a.roles.get()
        for method, path, payload in [
            (
                "post",
                "organisations",
                {"kind": "hospital", "name": "N", "city": "C", "region": "UT"},
            ),
            ("patch", f"organisations/{world.hospital_a.pk}", {"name": "Renamed"}),
            ("post", f"organisations/{world.hospital_a.pk}/departments", {"name": "New"}),
            ("post", "people", {"email": "new@example.org", "full_name": "New Person"}),
            ("patch", f"people/{world.doctor_a.pk}", {"full_name": "Renamed"}),
            (
                "post",
                f"people/{world.doctor_a.pk}/roles",
                {"organisation_id": world.hospital_a.pk, "kind": "trainee"},
            ),
            ("post", f"people/{world.doctor_a.pk}/deactivate", {"reason": "because"}),
            ("post", f"roles/{role.pk}/end", {"reason": "because"}),
        ]:
            before = row_counts()
            response = api(client, method, path, payload)
            assert response.status_code == 403, path
            assert response.json()["code"] == "forbidden", path
            assert row_counts() == before, path

    def test_it_lists_only_her_own_hospital(self, world, hospital_b_data, client_for):
        client = client_for(world.coordinator_a)
        organisations = api(client, "get", "organisations").json()
        assert [o["name"] for o in organisations["items"]] == ["Amstelland Medisch Centrum"]
        people = api(client, "get", "people").json()
        assert {p["email"] for p in people["items"]} == {
            "cora@example.org",
            "dirk@example.org",
            "sara@example.org",
            "tim@example.org",
        }

    def test_it_answers_401_with_json_without_sign_in(self, world, hospital_b_data, client):
        for method, path in [
            ("get", "me"),
            ("get", "organisations"),
            ("get", f"organisations/{world.hospital_b.pk}"),
            ("post", "organisations"),
            ("get", "people"),
            ("get", f"people/{hospital_b_data['doctor'].pk}"),
            ("get", "me/tokens"),
        ]:
            response = api(client, method, path, {} if method == "post" else None)
            assert response.status_code == 401, path
            assert response.json()["code"] == "unauthenticated"
            _assert_no_secret(response)


@pytest.mark.parametrize(
    "persona",
    ["doctor_a", "supervisor_a", "university_supervisor", "board_member", "trainee_a", "applicant"],
)
def test_it_lets_no_other_role_create_or_change_organisations_or_people(world, client_for, persona):
    user = getattr(world, persona)
    client = client_for(user)
    before = row_counts()
    organisation = {"kind": "hospital", "name": "Nieuw", "city": "Delft", "region": "ZH"}
    person = {"full_name": "New Person", "email": "new@example.org", "language": "en"}
    assert client.post("/organisations/new/", organisation).status_code == 403
    assert client.post("/people/new/", person).status_code == 403
    assert client.get("/people/").status_code == 403
    for url in [
        f"/organisations/{world.hospital_a.pk}/edit/",
        f"/organisations/{world.university.pk}/edit/",
        f"/organisations/{world.hospital_a.pk}/departments/new/",
    ]:
        assert client.post(url, organisation).status_code in (403, 404), url
    assert client.post(f"/people/{world.doctor_a.pk}/edit/", person).status_code in (403, 404)
    assert api(client, "post", "organisations", organisation).status_code == 403
    assert api(client, "post", "people", person).status_code == 403
    assert api(client, "get", f"people/{world.office.pk}").status_code == 404
    assert row_counts() == before


PERSONAS = [
    "office",
    "coordinator_a",
    "coordinator_b",
    "doctor_a",
    "supervisor_a",
    "university_supervisor",
    "board_member",
    "trainee_a",
    "applicant",
]


@pytest.mark.parametrize("persona", PERSONAS)
def test_it_never_lists_more_than_the_detail_pages_show(
    world, hospital_b_data, client_for, persona
):
    """Whatever a list (page or API) shows, the detail page and endpoint show too, and the
    other way round: the list and the rules are the same rules."""
    user = getattr(world, persona)
    client = client_for(user)
    listed_organisations = {
        o["id"] for o in api(client, "get", "organisations?limit=1000").json()["items"]
    }
    listed_people = {p["id"] for p in api(client, "get", "people?limit=1000").json()["items"]}
    for organisation in Organisation.objects.all():
        visible = client.get(f"/organisations/{organisation.pk}/").status_code == 200
        assert visible == (organisation.pk in listed_organisations), organisation
        response = api(client, "get", f"organisations/{organisation.pk}")
        assert (response.status_code == 200) == visible
    for person in User.objects.all():
        visible = client.get(f"/people/{person.pk}/").status_code == 200
        assert visible == (person.pk in listed_people), person
        assert (api(client, "get", f"people/{person.pk}").status_code == 200) == visible
    page = client.get("/people/")
    if page.status_code == 200:
        assert {p.pk for p in page.context["page"].object_list} == listed_people
    assert user.pk in listed_people
