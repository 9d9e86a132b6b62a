"""Hostile or careless input on the forms and endpoints of graduation is refused or stored as
text, never a server error: votes, reasons, names, numbers and ids."""

from __future__ import annotations

import pytest

from qme.graduation.models import BoardVote, Diploma
from tests.helpers import HOSTILE_TEXT, api

from .builders import diploma_of


@pytest.mark.parametrize("text", HOSTILE_TEXT)
def test_a_vote_with_any_reason_is_recorded_or_refused(world, case, client_for, text):
    client = client_for(world.board_member)
    response = client.post(
        f"/graduation/cases/{case.pk}/", {"action": "vote", "vote": "not_yet", "reason": text}
    )
    assert response.status_code == 302
    vote = BoardVote.objects.filter(case=case).first()
    if vote is not None:
        assert vote.reason == text.strip()
        assert "\x00" not in vote.reason
    answer = api(
        client, "post", f"graduation-cases/{case.pk}/votes", {"vote": "not_yet", "reason": text}
    )
    assert answer.status_code in (200, 422), answer.status_code


@pytest.mark.parametrize(
    "form",
    [
        {},
        {"action": "vote"},
        {"action": "vote", "vote": "grant" * 1000},
        {"action": "vote", "vote": ["grant", "not_yet"]},
        {"action": "decide", "vote": "grant"},
        {"action": "nonsense"},
        {"action": "\x00"},
    ],
)
def test_a_strange_case_form_is_not_a_failure(world, case, client_for, form):
    response = client_for(world.board_member).post(f"/graduation/cases/{case.pk}/", form)
    assert response.status_code == 302


@pytest.mark.parametrize("path", ["/graduation/cases/{x}/", "/graduation/requirements/{x}/"])
@pytest.mark.parametrize("x", ["0", "99999999", "999999999999999999999"])
def test_unknown_ids_are_404(world, db, client_for, path, x):
    assert client_for(world.office).get(path.format(x=x)).status_code == 404


@pytest.mark.parametrize("x", ["0", "99999999", "99999999999999999999"])
def test_unknown_ids_in_the_api_are_404_or_422(world, db, client_for, x):
    client = client_for(world.office)
    for method, path in (
        ("get", f"traineeships/{x}/requirements"),
        ("post", f"traineeships/{x}/graduation"),
        ("get", f"traineeships/{x}/diplomas"),
        ("post", f"graduation-cases/{x}/decision"),
    ):
        assert api(client, method, path).status_code in (404, 422), (method, path)
    answer = api(client, "post", f"graduation-cases/{x}/votes", {"vote": "grant"})
    assert answer.status_code in (404, 422)


@pytest.mark.parametrize("text", HOSTILE_TEXT)
def test_any_revocation_reason_revokes_or_is_refused(world, rules, catalogue, client_for, text):
    diploma = diploma_of(world, catalogue)
    client = client_for(world.office)
    response = client.post(
        f"/diplomas/{diploma.number}/revoke/", {"action": "revoke", "reason": text}
    )
    assert response.status_code == 302
    diploma.refresh_from_db()
    if diploma.revoked_at is not None:
        assert diploma.revoked_reason == text.strip()
        assert "\x00" not in diploma.revoked_reason


@pytest.mark.parametrize("name", HOSTILE_TEXT)
def test_any_corrected_name_reissues_or_is_refused(world, rules, catalogue, client_for, name):
    diploma = diploma_of(world, catalogue)
    client = client_for(world.office)
    response = client.post(
        f"/diplomas/{diploma.number}/revoke/",
        {"action": "reissue", "reason": "The name was misspelled.", "holder_name": name},
    )
    assert response.status_code == 302
    valid = Diploma.objects.get(revoked_at__isnull=True)
    assert "\x00" not in valid.holder_name
    assert valid.holder_name.strip()
    from qme.graduation import issuing

    assert issuing.verify_diploma(valid.credential).outcome == "VALID"


def test_the_register_choice_takes_only_yes(world, rules, catalogue, client_for):
    diploma = diploma_of(world, catalogue)
    client = client_for(world.trainee_a)
    for value in ("YES", "1", "true", "\x00", ""):
        client.post(f"/diplomas/{diploma.number}/", {"in_register": value})
        diploma.refresh_from_db()
        assert diploma.in_register is False
