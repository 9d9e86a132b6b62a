"""Every form and endpoint of feedback meets empty, huge, markup, SQL and NUL input, unknown ids
and wrong types: it never crashes, refuses at the field, and stores nothing. What it accepts is
stored as plain text and shown escaped."""

from __future__ import annotations

import json

import pytest

from qme.feedback.models import Feedback, Response
from tests.helpers import HOSTILE_TEXT, api, page_text

from .helpers import SPECIFIC, api_payload, competencies, form_data, give, snapshot

UNKNOWN_IDS = ["999999", "abc", "-1", "1.5", "99999999999999999999", "", "<b>"]
TEXT_FIELDS = ["subject", "went_well", "to_improve", "next_step"]


def _stored_or_refused(response, before, *, refused_status: int, field: str, value: str) -> None:
    assert response.status_code < 500
    if response.status_code == refused_status:
        assert snapshot() == before
        return
    feedback = Feedback.objects.get()
    assert getattr(feedback, field) == value.strip()
    assert "\x00" not in value


# --- The give form ---


@pytest.mark.parametrize("value", HOSTILE_TEXT)
@pytest.mark.parametrize("field", TEXT_FIELDS)
def test_the_give_form_handles_hostile_text(world, traineeship, client_for, field, value):
    before = snapshot()
    response = client_for(world.supervisor_a).post(
        f"/feedback/{traineeship.pk}/give/", form_data(send_anyway="on", **{field: value})
    )
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert field in response.context["form"].errors
        assert snapshot() == before
    else:
        _stored_or_refused(response, before, refused_status=200, field=field, value=value)


def test_it_shows_accepted_markup_as_text(world, traineeship, client_for):
    markup = "<script>alert('x')</script> during the meeting <b>bold</b>"
    response = client_for(world.supervisor_a).post(
        f"/feedback/{traineeship.pk}/give/",
        form_data(send_anyway="on", went_well=markup, subject="<i>about</i>"),
    )
    assert response.status_code == 302
    page = page_text(client_for(world.trainee_a).get(f"/feedback/{traineeship.pk}/"))
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert "<i>about</i>" not in page
    assert "&lt;b&gt;bold&lt;/b&gt;" in page


@pytest.mark.parametrize(
    "value",
    [[], ["abc"], ["999999"], ["-1"], ["1.5"], ["99999999999999999999"], ["<b>"], [""], "x"],
)
def test_the_give_form_handles_bad_competencies(world, traineeship, client_for, value):
    before = snapshot()
    response = client_for(world.supervisor_a).post(
        f"/feedback/{traineeship.pk}/give/", {**form_data(), "competencies": value}
    )
    assert response.status_code == 200
    assert "competencies" in response.context["form"].errors
    assert snapshot() == before


def test_the_give_form_counts_a_competency_given_twice_once(world, traineeship, client_for):
    one = competencies(1)[0]
    response = client_for(world.supervisor_a).post(
        f"/feedback/{traineeship.pk}/give/", {**form_data(), "competencies": [one.pk, one.pk]}
    )
    assert response.status_code == 302
    assert list(Feedback.objects.get().competencies.all()) == [one]


@pytest.mark.parametrize("value", ["", "maybe", "\x00", "0", "false"])
def test_the_give_form_handles_any_send_anyway(world, traineeship, client_for, value):
    response = client_for(world.supervisor_a).post(
        f"/feedback/{traineeship.pk}/give/", form_data(send_anyway=value)
    )
    assert response.status_code in (200, 302)


def test_the_give_form_needs_every_narrative_field(world, traineeship, client_for):
    client = client_for(world.supervisor_a)
    before = snapshot()
    for field in ("went_well", "to_improve", "next_step", "rating", "competencies"):
        data = form_data(send_anyway="on")
        del data[field]
        response = client.post(f"/feedback/{traineeship.pk}/give/", data)
        assert response.status_code == 200
        assert field in response.context["form"].errors
    assert client.post(f"/feedback/{traineeship.pk}/give/", {}).status_code == 200
    assert snapshot() == before


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_the_pages_refuse_other_methods(world, traineeship, client_for, method):
    feedback = give(world.supervisor_a, traineeship)
    client = client_for(world.supervisor_a)
    before = snapshot()
    for path in (
        f"/feedback/{traineeship.pk}/give/",
        f"/feedback/{traineeship.pk}/{feedback.pk}/respond/",
        "/feedback/settings/",
    ):
        assert getattr(client, method)(path).status_code in (403, 405), path
    assert snapshot() == before


def test_the_respond_page_takes_only_post(world, traineeship, client_for):
    feedback = give(world.supervisor_a, traineeship)
    response = client_for(world.trainee_a).get(f"/feedback/{traineeship.pk}/{feedback.pk}/respond/")
    assert response.status_code == 405


@pytest.mark.parametrize("pk", ["999999", "99999999999999999999", "0"])
def test_the_pages_answer_404_for_unknown_ids(world, traineeship, client_for, pk):
    feedback = give(world.supervisor_a, traineeship)
    client = client_for(world.office)
    assert client.get(f"/feedback/{pk}/").status_code == 404
    assert client.get(f"/feedback/{pk}/give/").status_code == 404
    trainee = client_for(world.trainee_a)
    before = snapshot()
    assert (
        trainee.post(f"/feedback/{pk}/{feedback.pk}/respond/", {"body": "Hi."}).status_code == 404
    )
    assert (
        trainee.post(f"/feedback/{traineeship.pk}/{pk}/respond/", {"body": "Hi."}).status_code
        == 404
    )
    assert snapshot() == before


@pytest.mark.parametrize("path", ["/feedback/abc/", "/feedback/-1/give/", "/feedback/1.5/"])
def test_the_pages_answer_404_for_ids_that_are_not_numbers(world, client_for, path):
    assert client_for(world.office).get(path).status_code == 404


# --- The response form ---


@pytest.mark.parametrize("value", HOSTILE_TEXT)
def test_the_response_form_handles_hostile_text(world, traineeship, client_for, value):
    feedback = give(world.supervisor_a, traineeship)
    before = snapshot()
    response = client_for(world.trainee_a).post(
        f"/feedback/{traineeship.pk}/{feedback.pk}/respond/", {"body": value}
    )
    assert response.status_code == 302
    if Response.objects.exists():
        assert Response.objects.get().body == value.strip()
        assert value.strip()
        assert len(value) <= 5000
        assert "\x00" not in value
    else:
        assert snapshot() == before


def test_the_response_form_handles_a_missing_body(world, traineeship, client_for):
    feedback = give(world.supervisor_a, traineeship)
    before = snapshot()
    response = client_for(world.trainee_a).post(
        f"/feedback/{traineeship.pk}/{feedback.pk}/respond/"
    )
    assert response.status_code == 302
    assert snapshot() == before


# --- The settings form ---


@pytest.mark.parametrize("value", HOSTILE_TEXT)
@pytest.mark.parametrize("field", ["university_interval_days", "hospital_interval_days"])
def test_the_settings_form_handles_hostile_text(world, client_for, field, value):
    from qme.feedback.forms import SettingsForm
    from qme.feedback.models import ProgrammeSettings

    form = SettingsForm(instance=ProgrammeSettings.current())
    data = {name: form[name].value() for name in form.fields}
    data[field] = value
    before = snapshot()
    response = client_for(world.office).post("/feedback/settings/", data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert snapshot() == before


# --- The API ---


@pytest.mark.parametrize("value", HOSTILE_TEXT)
@pytest.mark.parametrize("field", TEXT_FIELDS)
def test_the_api_handles_hostile_text(world, traineeship, client_for, field, value):
    before = snapshot()
    response = api(
        client_for(world.supervisor_a),
        "post",
        f"traineeships/{traineeship.pk}/feedback",
        api_payload(send_anyway=True, **{field: value}),
    )
    assert response.status_code in (201, 422), response.content
    if "\x00" in value:
        assert response.status_code == 422
    if response.status_code == 201:
        assert getattr(Feedback.objects.get(), field) == value.strip()
    else:
        assert snapshot() == before


@pytest.mark.parametrize(
    "value",
    [[], ["a"], [None], [99999999999999999999], [-1], [1.5], "1", None, {"id": 1}, [0]],
)
def test_the_api_handles_bad_competency_ids(world, traineeship, client_for, value):
    before = snapshot()
    response = api(
        client_for(world.supervisor_a),
        "post",
        f"traineeships/{traineeship.pk}/feedback",
        api_payload(competency_ids=value),
    )
    assert response.status_code == 422, response.content
    assert snapshot() == before


def test_the_api_takes_one_to_three_competencies(world, traineeship, client_for, framework):
    client = client_for(world.supervisor_a)
    ids = list(framework.competencies.values_list("pk", flat=True))
    before = snapshot()
    response = api(
        client,
        "post",
        f"traineeships/{traineeship.pk}/feedback",
        api_payload(competency_ids=ids[:4]),
    )
    assert response.status_code == 422
    assert snapshot() == before
    response = api(
        client,
        "post",
        f"traineeships/{traineeship.pk}/feedback",
        api_payload(competency_ids=[ids[0], ids[0]]),
    )
    assert response.status_code == 201
    assert response.json()["competency_ids"] == [ids[0]]


@pytest.mark.parametrize("value", [0, 6, -1, 1.5, "x", None, 99999999999999999999, [3]])
def test_the_api_handles_bad_ratings(world, traineeship, client_for, value):
    before = snapshot()
    response = api(
        client_for(world.supervisor_a),
        "post",
        f"traineeships/{traineeship.pk}/feedback",
        api_payload(rating=value),
    )
    assert response.status_code == 422, response.content
    assert snapshot() == before


@pytest.mark.parametrize("value", ["maybe", [], {"a": 1}, 2])
def test_the_api_handles_a_bad_send_anyway(world, traineeship, client_for, value):
    before = snapshot()
    response = api(
        client_for(world.supervisor_a),
        "post",
        f"traineeships/{traineeship.pk}/feedback",
        api_payload(send_anyway=value),
    )
    assert response.status_code == 422, response.content
    assert snapshot() == before


@pytest.mark.parametrize(
    "field", ["went_well", "to_improve", "next_step", "rating", "competency_ids"]
)
def test_the_api_needs_every_required_field(world, traineeship, client_for, field):
    payload = api_payload()
    del payload[field]
    before = snapshot()
    response = api(
        client_for(world.supervisor_a), "post", f"traineeships/{traineeship.pk}/feedback", payload
    )
    assert response.status_code == 422
    assert snapshot() == before


@pytest.mark.parametrize("body", ["{", "[]", "null", "not json", json.dumps([SPECIFIC]), ""])
def test_the_api_handles_a_body_that_is_not_an_object(world, traineeship, client_for, body):
    feedback = give(world.supervisor_a, traineeship)
    before = snapshot()
    for persona, path in [
        ("supervisor_a", f"traineeships/{traineeship.pk}/feedback"),
        ("trainee_a", f"feedback/{feedback.pk}/responses"),
    ]:
        response = client_for(getattr(world, persona)).post(
            f"/api/v1/{path}", data=body, content_type="application/json"
        )
        assert response.status_code in (400, 422), (path, response.status_code)
    assert snapshot() == before


@pytest.mark.parametrize("value", HOSTILE_TEXT)
def test_the_api_response_handles_hostile_text(world, traineeship, client_for, value):
    feedback = give(world.supervisor_a, traineeship)
    before = snapshot()
    response = api(
        client_for(world.trainee_a), "post", f"feedback/{feedback.pk}/responses", {"body": value}
    )
    assert response.status_code in (201, 422), response.content
    if "\x00" in value or not value.strip() or len(value) > 5000:
        assert response.status_code == 422
    if response.status_code == 201:
        assert Response.objects.get().body == value.strip()
    else:
        assert snapshot() == before


@pytest.mark.parametrize("pk", ["99999999999999999999", "abc", "-1", "1.5", "0"])
def test_the_api_handles_unknown_ids_in_the_path(world, traineeship, client_for, pk):
    client = client_for(world.office)
    before = snapshot()
    for method, path, payload in [
        ("get", f"traineeships/{pk}/feedback", None),
        ("get", f"traineeships/{pk}/cadence", None),
        ("post", f"traineeships/{pk}/feedback", api_payload()),
        ("post", f"feedback/{pk}/responses", {"body": "Hi."}),
    ]:
        response = api(client, method, path, payload)
        assert response.status_code in (404, 422), (path, response.status_code)
    assert snapshot() == before
