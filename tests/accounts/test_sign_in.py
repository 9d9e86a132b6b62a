"""Signing in with e-mail and password, being locked out after repeated failures, signing out,
and resetting a forgotten password by e-mail. Nobody signs up on their own yet."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from qme.accounts.models import User
from tests.factories import PASSWORD
from tests.helpers import page_text, row_counts

WRONG = "not-the-password"


def sign_in(client, email: str, password: str):
    return client.post("/accounts/login/", {"login": email, "password": password})


def is_signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_it_signs_in_with_email_and_password_and_lands_on_home(world, client):
    response = sign_in(client, "dirk@example.org", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert is_signed_in(client)
    assert "Welcome, Dirk" in page_text(client.get("/"))


def test_it_accepts_the_email_address_in_any_case(world, client):
    sign_in(client, "  DIRK@Example.ORG ", PASSWORD)
    assert is_signed_in(client)


def test_it_shows_an_error_for_a_wrong_password(world, client):
    response = sign_in(client, "dirk@example.org", WRONG)
    assert response.status_code == 200
    assert "password you specified are not correct" in page_text(response)
    assert not is_signed_in(client)


def test_it_gives_the_same_answer_for_an_unknown_account(world, client):
    response = sign_in(client, "nobody@example.org", WRONG)
    assert response.status_code == 200
    assert "password you specified are not correct" in page_text(response)


@pytest.mark.parametrize(
    ("login", "password"),
    [
        ("", ""),
        ("dirk@example.org", ""),
        ("x" * 10_000, PASSWORD),
        ("dirk@example.org", "p" * 10_000),
        ("<script>alert(1)</script>", "<script>"),
        ("' OR '1'='1", "' OR '1'='1"),
        ("dirk@example.org\x00", PASSWORD),
    ],
)
def test_it_survives_odd_sign_in_input(world, client, login, password):
    response = client.post("/accounts/login/", {"login": login, "password": password})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in page_text(response)
    assert not is_signed_in(client)


def test_it_locks_an_account_after_five_failed_attempts(world, client):
    for _ in range(5):
        assert "not correct" in page_text(sign_in(client, "dirk@example.org", WRONG))
    response = sign_in(client, "dirk@example.org", PASSWORD)
    assert "Too many failed login attempts" in page_text(response)
    assert not is_signed_in(client)


def test_it_locks_only_the_account_under_attack(world, client):
    for _ in range(5):
        sign_in(client, "dirk@example.org", WRONG)
    sign_in(client, "sara@example.org", PASSWORD)
    assert is_signed_in(client)


def test_it_unlocks_the_account_after_a_while(world, client):
    now = timezone.now()
    with time_machine.travel(now, tick=False):
        for _ in range(5):
            sign_in(client, "dirk@example.org", WRONG)
        assert "Too many" in page_text(sign_in(client, "dirk@example.org", PASSWORD))
    with time_machine.travel(now + dt.timedelta(minutes=16), tick=False):
        sign_in(client, "dirk@example.org", PASSWORD)
        assert is_signed_in(client)


def test_it_keeps_counting_failures_only_until_a_successful_sign_in(world, client):
    for _ in range(4):
        sign_in(client, "dirk@example.org", WRONG)
    sign_in(client, "dirk@example.org", PASSWORD)
    assert is_signed_in(client)


def test_it_does_not_let_a_deactivated_person_sign_in(world, client):
    User.objects.filter(pk=world.doctor_a.pk).update(is_active=False)
    sign_in(client, "dirk@example.org", PASSWORD)
    assert not is_signed_in(client)


def test_it_signs_out(world, client):
    sign_in(client, "dirk@example.org", PASSWORD)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    assert not is_signed_in(client)
    assert client.get("/").status_code == 302


def test_it_keeps_sign_up_closed_when_the_setting_says_so(world, client, settings):
    settings.QME_OPEN_SIGNUP = False
    before = row_counts()
    response = client.get("/accounts/signup/")
    assert response.status_code == 200
    assert "Sign Up Closed" in page_text(response) or "closed" in page_text(response).lower()
    client.post(
        "/accounts/signup/",
        {"email": "intruder@example.org", "password1": "Aa1!" * 5, "password2": "Aa1!" * 5},
    )
    assert not User.objects.filter(email="intruder@example.org").exists()
    assert row_counts() == before


def test_it_lets_an_applicant_sign_up_and_confirm_the_address_before_signing_in(
    world, client, django_capture_on_commit_callbacks
):
    from django.core import mail

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/accounts/signup/",
            {
                "email": "new.applicant@example.org",
                "full_name": "Nina Nieuw",
                "language": "nl",
                "password1": "a-long-Secret-2026",
                "password2": "a-long-Secret-2026",
            },
        )
    assert response.status_code == 302
    person = User.objects.get(email="new.applicant@example.org")
    assert person.full_name == "Nina Nieuw"
    assert person.language == "nl"
    assert not person.roles.exists()
    assert [m.to for m in mail.outbox] == [["new.applicant@example.org"]]
    # Not confirmed yet: signing in leads to the confirmation page, not the home page.
    client.logout()
    response = client.post(
        "/accounts/login/", {"login": "new.applicant@example.org", "password": "a-long-Secret-2026"}
    )
    assert response.status_code == 302
    assert "confirm" in response["Location"] or "verification" in response["Location"]


class TestForgottenPassword:
    def test_it_sends_a_reset_link_through_the_task_queue(
        self, world, client, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            response = client.post("/accounts/password/reset/", {"email": "dirk@example.org"})
        assert response.status_code == 302
        assert mail.outbox == []  # nothing leaves inside the request
        for callback in callbacks:
            callback()
        [message] = mail.outbox
        assert message.to == ["dirk@example.org"]
        assert message.subject.startswith("[QME]")
        assert "/accounts/password/reset/key/" in message.body

    def test_it_lets_the_person_choose_a_new_password(
        self, world, client, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            client.post("/accounts/password/reset/", {"email": "dirk@example.org"})
        body = mail.outbox[0].body
        start = body.index("/accounts/password/reset/key/")
        path = body[start:].split()[0]
        form_url = client.get(path)["Location"]
        response = client.post(
            form_url, {"password1": "brand-new-passphrase-9", "password2": "brand-new-passphrase-9"}
        )
        assert response.status_code == 302
        assert sign_in(client, "dirk@example.org", "brand-new-passphrase-9").status_code == 302
        assert is_signed_in(client)

    def test_it_refuses_a_weak_new_password(
        self, world, client, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            client.post("/accounts/password/reset/", {"email": "dirk@example.org"})
        body = mail.outbox[0].body
        path = body[body.index("/accounts/password/reset/key/") :].split()[0]
        form_url = client.get(path)["Location"]
        response = client.post(form_url, {"password1": "123", "password2": "123"})
        assert response.status_code == 200
        world.doctor_a.refresh_from_db()
        assert world.doctor_a.check_password(PASSWORD)

    def test_it_does_not_reveal_whether_an_account_exists(
        self, world, client, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            known = client.post("/accounts/password/reset/", {"email": "dirk@example.org"})
            unknown = client.post("/accounts/password/reset/", {"email": "nobody@example.org"})
        assert known.status_code == unknown.status_code == 302
        assert known["Location"] == unknown["Location"]

    @pytest.mark.parametrize(
        "email", ["", "not-an-email", "x" * 10_000, "<script>@x", "a@b.nl'; DROP TABLE x;--"]
    )
    def test_it_shows_an_error_for_a_bad_address(self, world, client, email):
        response = client.post("/accounts/password/reset/", {"email": email})
        assert response.status_code == 200
        assert "errorlist" in page_text(response)
        assert mail.outbox == []

    def test_it_rejects_a_forged_link(self, world, client):
        response = client.get("/accounts/password/reset/key/2-forged-token/", follow=True)
        assert response.status_code == 200
        world.doctor_a.refresh_from_db()
        assert world.doctor_a.check_password(PASSWORD)
