"""Ben coordinates hospital B. He guesses every URL of hospital A's requests and positions: what is
not his answers 404 in pages and API, shows nothing of A, and changes nothing."""

from __future__ import annotations

import pytest

from qme.positions import services
from tests.helpers import api, page_text

from .factories import approved_position, changes_requested_request, pdf_upload
from .helpers import snapshot

SECRET_TITLE = "Hospital A's secret project"


@pytest.fixture
def of_a(world):
    """A request of hospital A with a comment and an attachment, and a position of A."""
    request = changes_requested_request(world, title=SECRET_TITLE)
    attachment = services.add_attachment(
        actor=world.coordinator_a, request=request, uploaded=pdf_upload("secret-budget.pdf")
    )
    comment = request.comments.get()
    position = approved_position(world, title="Hospital A's approved project")
    return {
        "request": request,
        "attachment": attachment,
        "comment": comment,
        "position": position,
    }


def _pages(a) -> list[str]:
    r, p = a["request"].pk, a["position"].pk
    return [
        f"/requests/{r}/",
        f"/requests/{r}/edit/",
        f"/requests/{r}/withdraw/",
        f"/requests/{r}/approve/",
        f"/requests/{r}/decline/",
        f"/requests/{r}/attachments/{a['attachment'].pk}/",
        f"/manage/positions/{p}/",
        f"/manage/positions/{p}/edit/",
        f"/manage/positions/{p}/close/",
        f"/manage/positions/{p}/extend/",
        f"/manage/positions/{p}/cancel/",
        f"/manage/positions/{p}/reopen/",
    ]


def _posts(a) -> list[tuple[str, dict]]:
    r, p = a["request"].pk, a["position"].pk
    c, f = a["comment"].pk, a["attachment"].pk
    return [
        (f"/requests/{r}/edit/", {"title": "Taken over"}),
        (f"/requests/{r}/submit/", {}),
        (f"/requests/{r}/withdraw/", {"reason": "x"}),
        (f"/requests/{r}/comments/", {"body": "Hello"}),
        (f"/requests/{r}/comments/{c}/resolve/", {}),
        (f"/requests/{r}/attachments/", {"file": pdf_upload()}),
        (f"/requests/{r}/attachments/{f}/delete/", {}),
        (
            f"/requests/{r}/invite/",
            {"kind": "medical_doctor", "full_name": "X", "email": "x@example.org"},
        ),
        (f"/manage/positions/{p}/publish/", {}),
        (f"/manage/positions/{p}/cancel/", {"reason": "x"}),
    ]


def _api_calls(a) -> list[tuple[str, str, dict | None]]:
    r, p, c = a["request"].pk, a["position"].pk, a["comment"].pk
    return [
        ("get", f"requests/{r}", None),
        ("get", f"requests/{r}/comments", None),
        ("patch", f"requests/{r}", {"title": "Taken over"}),
        ("post", f"requests/{r}/submit", None),
        ("post", f"requests/{r}/withdraw", {"reason": "x"}),
        ("post", f"requests/{r}/comments", {"body": "Hello"}),
        ("post", f"requests/{r}/comments/{c}/resolve", None),
        ("get", f"positions/{p}", None),
        ("patch", f"positions/{p}", {"title_en": "Taken over"}),
        ("post", f"positions/{p}/publish", None),
        ("post", f"positions/{p}/cancel", {"reason": "x"}),
    ]


def test_it_never_lists_another_hospitals_requests_or_positions(world, client_for, of_a):
    client = client_for(world.coordinator_b)
    for url in ("/requests/", "/requests/?status=changes_requested", "/manage/positions/"):
        response = client.get(url)
        assert response.status_code == 200
        assert "Hospital A" not in page_text(response), url
    assert api(client, "get", "requests").json()["items"] == []
    assert api(client, "get", f"requests?hospital_id={world.hospital_a.pk}").json()["items"] == []
    assert api(client, "get", "positions").json()["items"] == []


def test_it_answers_404_for_every_page_of_another_hospital(world, client_for, of_a):
    client = client_for(world.coordinator_b)
    for url in _pages(of_a):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Hospital A" not in page_text(response)


def test_it_changes_nothing_when_posting_to_another_hospital(world, client_for, of_a):
    client = client_for(world.coordinator_b)
    before = snapshot()
    for url, data in _posts(of_a):
        response = client.post(url, data)
        assert response.status_code == 404, url
    assert snapshot() == before


def test_it_answers_404_in_the_api(world, client_for, of_a):
    client = client_for(world.coordinator_b)
    before = snapshot()
    for method, path, payload in _api_calls(of_a):
        response = api(client, method, path, payload)
        assert response.status_code == 404, path
        assert response.json()["code"] == "not_found"
    assert snapshot() == before


def test_it_serves_the_attachment_only_to_those_who_may_see_the_request(world, client_for, of_a):
    url = f"/requests/{of_a['request'].pk}/attachments/{of_a['attachment'].pk}/"
    for persona in ("coordinator_b", "applicant", "trainee_a", "university_supervisor"):
        response = client_for(getattr(world, persona)).get(url)
        assert response.status_code == 404, persona
    for persona in ("coordinator_a", "office"):
        response = client_for(getattr(world, persona)).get(url)
        assert response.status_code == 200, persona


def test_it_answers_404_for_an_attachment_reached_through_another_request(world, client_for, of_a):
    own = changes_requested_request(world, hospital=world.hospital_b, title="B's own request")
    url = f"/requests/{own.pk}/attachments/{of_a['attachment'].pk}/"
    assert client_for(world.coordinator_b).get(url).status_code == 404
    assert client_for(world.office).get(url).status_code == 404


def test_it_refuses_api_and_pages_to_a_visitor(world, client, of_a):
    r = of_a["request"].pk
    assert client.get(f"/requests/{r}/")["Location"].startswith("/accounts/login/")
    response = api(client, "get", f"requests/{r}")
    assert response.status_code == 401
    assert api(client, "get", "positions").status_code == 401
