"""The programme office and the examination board work only with two-factor authentication (TOTP)
on, and cannot switch it off. Other staff may turn it on and off themselves."""

from __future__ import annotations

import pyotp
import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.test import Client

from qme.accounts.services import create_api_token
from tests.conftest import TOTP_SECRET
from tests.factories import PASSWORD
from tests.helpers import api

ACTIVATE = "/accounts/2fa/totp/activate/"
DEACTIVATE = "/accounts/2fa/totp/deactivate/"


def code(secret: str = TOTP_SECRET) -> str:
    return pyotp.TOTP(secret).now()


def sign_in(client, email: str):
    return client.post("/accounts/login/", {"login": email, "password": PASSWORD})


def reauthenticate(client, then: str):
    """allauth asks for the password again before two-factor settings change."""
    response = client.get(then)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/reauthenticate/")
    response = client.post(response["Location"], {"password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == then


def is_signed_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture
def office_without_totp(world):
    Authenticator.objects.filter(user=world.office).delete()
    return world.office


class TestWithoutAnAuthenticator:
    @pytest.mark.parametrize("persona", ["office", "board_member"])
    def test_it_leads_every_page_to_the_setup(self, world, client_for, persona):
        user = getattr(world, persona)
        Authenticator.objects.filter(user=user).delete()
        client = client_for(user)
        for url in [
            "/",
            "/organisations/",
            f"/organisations/{world.hospital_a.pk}/",
            "/people/",
            f"/people/{world.doctor_a.pk}/",
            "/audit/",
            "/accounts/profile/",
            "/accounts/api-tokens/",
            "/admin/",
        ]:
            response = client.get(url)
            assert response.status_code == 302, url
            assert response["Location"] == ACTIVATE, url

    def test_it_refuses_changes_posted_before_the_setup(
        self, world, office_without_totp, client_for
    ):
        client = client_for(office_without_totp)
        response = client.post(
            "/organisations/new/",
            {"kind": "hospital", "name": "Sneaky", "city": "Ede", "region": "GE"},
        )
        assert response["Location"] == ACTIVATE
        response = client.post("/accounts/api-tokens/", {"name": "bypass"})
        assert response["Location"] == ACTIVATE
        assert not office_without_totp.api_tokens.exists()

    def test_it_answers_the_api_with_403_by_session_and_401_by_token(
        self, world, office_without_totp, client_for
    ):
        response = api(client_for(office_without_totp), "get", "people")
        assert response.status_code == 403
        assert "two-factor" in response.json()["detail"].lower()
        _token, secret = create_api_token(user=office_without_totp, name="old script")
        response = api(Client(), "get", "people", token=secret)
        assert response.status_code == 401

    def test_it_still_lets_them_sign_out_and_switch_language(
        self, world, office_without_totp, client_for
    ):
        client = client_for(office_without_totp)
        response = client.post("/i18n/language/", {"language": "nl", "next": "/"})
        assert response.status_code == 302
        assert client.post("/accounts/logout/").status_code == 302
        assert not is_signed_in(client)

    def test_it_does_not_force_other_staff(self, world, client_for):
        for user in (world.coordinator_a, world.doctor_a, world.university_supervisor):
            assert client_for(user).get("/").status_code == 200, user

    def test_it_walks_the_office_through_the_setup(self, world, office_without_totp, client):
        response = sign_in(client, "office@example.org")
        assert response.status_code == 302
        response = client.get(response["Location"])
        assert response["Location"] == ACTIVATE
        reauthenticate(client, ACTIVATE)
        page = client.get(ACTIVATE)
        assert page.status_code == 200
        secret = page.context["form"].secret
        response = client.post(ACTIVATE, {"code": "000000"})
        assert response.status_code == 200
        assert not Authenticator.objects.filter(user=office_without_totp).exists()
        response = client.post(ACTIVATE, {"code": code(secret)})
        assert response.status_code == 302
        assert Authenticator.objects.filter(
            user=office_without_totp, type=Authenticator.Type.TOTP
        ).exists()
        assert client.get("/").status_code == 200


class TestSigningInWithACode:
    def test_it_asks_for_the_code_after_the_password(self, world, client):
        response = sign_in(client, "office@example.org")
        assert response["Location"] == "/accounts/2fa/authenticate/"
        assert not is_signed_in(client)
        wrong = client.post("/accounts/2fa/authenticate/", {"code": "123456"})
        assert wrong.status_code == 200
        assert not is_signed_in(client)
        response = client.post("/accounts/2fa/authenticate/", {"code": code()})
        assert response.status_code == 302
        assert is_signed_in(client)
        assert client.get("/").status_code == 200

    @pytest.mark.parametrize("value", ["", "x" * 10_000, "<script>", "' OR 1=1 --", "12 34 56"])
    def test_it_survives_an_odd_code(self, world, client, value):
        sign_in(client, "office@example.org")
        response = client.post("/accounts/2fa/authenticate/", {"code": value})
        assert response.status_code == 200
        assert not is_signed_in(client)


class TestSwitchingItOff:
    def _sign_in_fully(self, client, email: str) -> None:
        sign_in(client, email)
        client.post("/accounts/2fa/authenticate/", {"code": code()})
        assert is_signed_in(client)

    @pytest.mark.parametrize(
        ("persona", "email"),
        [("office", "office@example.org"), ("board_member", "board@example.org")],
    )
    def test_it_refuses_for_the_office_and_the_board(self, world, client, persona, email):
        self._sign_in_fully(client, email)
        reauthenticate(client, DEACTIVATE)
        response = client.post(DEACTIVATE)
        assert response.status_code == 200
        assert (
            "errorlist" in response.content.decode() or "form-errors" in response.content.decode()
        )
        assert Authenticator.objects.filter(
            user=getattr(world, persona), type=Authenticator.Type.TOTP
        ).exists()

    def test_it_allows_a_coordinator_who_chose_it(self, world, client):
        TOTP.activate(world.coordinator_a, TOTP_SECRET)
        self._sign_in_fully(client, "cora@example.org")
        reauthenticate(client, DEACTIVATE)
        response = client.post(DEACTIVATE)
        assert response.status_code == 302
        assert not Authenticator.objects.filter(
            user=world.coordinator_a, type=Authenticator.Type.TOTP
        ).exists()
