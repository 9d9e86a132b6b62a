"""Personal API tokens: created on a page, shown once, used as a Bearer token, revoked."""

from __future__ import annotations

import pytest
from django.test import Client

from qme.accounts.models import ApiToken
from qme.accounts.services import create_api_token
from qme.audit.models import AuditEvent
from tests.helpers import api, page_text, row_counts


@pytest.fixture
def script() -> Client:
    """A script calling the API: no browser session, only its token."""
    return Client()


class TestThePage:
    def test_it_shows_the_secret_once(self, world, client_for):
        client = client_for(world.doctor_a)
        response = client.post("/accounts/api-tokens/", {"name": "Weekly report"})
        assert response.status_code == 200
        secret = response.context["new_secret"]
        assert secret.startswith("qme_")
        assert secret in page_text(response)
        token = ApiToken.objects.get(user=world.doctor_a)
        assert token.name == "Weekly report"
        assert token.key_hash != secret
        assert secret not in token.key_hash
        assert token.hint == secret[-6:]
        again = page_text(client.get("/accounts/api-tokens/"))
        assert secret not in again
        assert "Weekly report" in again
        assert token.hint in again
        event = AuditEvent.objects.get(action="api_token.created")
        assert event.actor == world.doctor_a

    @pytest.mark.parametrize(
        ("name", "message"),
        [
            ("", "This field is required."),
            ("   ", "This field is required."),
            ("n" * 10_000, "at most 100 characters"),
            ("a\x00b", "Null characters are not allowed"),
        ],
    )
    def test_it_shows_the_error_next_to_the_name(self, world, client_for, name, message):
        before = row_counts()
        response = client_for(world.doctor_a).post("/accounts/api-tokens/", {"name": name})
        assert response.status_code == 422
        assert 'id="id_name_error"' in page_text(response)
        assert message in page_text(response)
        assert response.context["new_secret"] is None
        assert row_counts() == before

    def test_it_shows_a_name_with_markup_as_text(self, world, client_for):
        response = client_for(world.doctor_a).post(
            "/accounts/api-tokens/", {"name": "<script>alert(1)</script>"}
        )
        assert response.status_code == 200
        assert "<script>alert(1)</script>" not in page_text(response)
        assert "&lt;script&gt;" in page_text(response)

    def test_it_revokes_a_token(self, world, client_for, script):
        token, secret = create_api_token(user=world.doctor_a, name="old")
        client = client_for(world.doctor_a)
        response = client.post(f"/accounts/api-tokens/{token.pk}/revoke/")
        assert response.status_code == 302
        token.refresh_from_db()
        assert token.revoked_at is not None
        assert "revoked" in page_text(client.get("/accounts/api-tokens/"))
        assert api(script, "get", "me", token=secret).status_code == 401
        assert AuditEvent.objects.filter(action="api_token.revoked").count() == 1

    def test_it_answers_404_for_someone_elses_token(self, world, client_for):
        token, _secret = create_api_token(user=world.coordinator_b, name="Ben's")
        response = client_for(world.doctor_a).post(f"/accounts/api-tokens/{token.pk}/revoke/")
        assert response.status_code == 404
        token.refresh_from_db()
        assert token.revoked_at is None
        assert "Ben's" not in page_text(client_for(world.doctor_a).get("/accounts/api-tokens/"))

    def test_it_answers_405_to_a_revoke_by_get(self, world, client_for):
        token, _secret = create_api_token(user=world.doctor_a, name="old")
        response = client_for(world.doctor_a).get(f"/accounts/api-tokens/{token.pk}/revoke/")
        assert response.status_code == 405
        token.refresh_from_db()
        assert token.revoked_at is None

    def test_it_lists_many_tokens_in_a_fixed_number_of_queries(
        self, world, client_for, django_assert_max_num_queries
    ):
        for n in range(30):
            create_api_token(user=world.doctor_a, name=f"script {n}")
        client = client_for(world.doctor_a)
        with django_assert_max_num_queries(10):
            response = client.get("/accounts/api-tokens/")
        assert response.status_code == 200


class TestBearerAuthentication:
    def test_it_works_on_me_and_records_when_it_was_used(self, world, script):
        token, secret = create_api_token(user=world.trainee_a, name="export")
        response = api(script, "get", "me", token=secret)
        assert response.status_code == 200
        assert response.json()["email"] == "tim@example.org"
        token.refresh_from_db()
        assert token.last_used_at is not None

    def test_it_applies_the_same_rules_as_the_pages(self, world, script):
        _token, secret = create_api_token(user=world.coordinator_a, name="sync")
        response = api(script, "get", f"organisations/{world.hospital_a.pk}", token=secret)
        assert response.status_code == 200
        response = api(script, "get", f"organisations/{world.hospital_b.pk}", token=secret)
        assert response.status_code == 404

    @pytest.mark.parametrize(
        "header",
        [
            "Bearer qme_not-a-real-token",
            "Bearer ",
            "Bearer " + "qme_" + "x" * 10_000,
            "Bearer <script>",
            "Bearer ' OR 1=1 --",
            "Basic b2ZmaWNlQGV4YW1wbGUub3JnOnBhc3N3b3Jk",
            "qme_without_scheme",
        ],
    )
    def test_it_answers_401_to_a_wrong_token(self, world, script, header):
        response = script.get("/api/v1/me", headers={"Authorization": header})
        assert response.status_code == 401
        assert response.json()["code"] == "unauthenticated"

    def test_it_does_not_accept_the_hash_as_the_token(self, world, script):
        token, _secret = create_api_token(user=world.trainee_a, name="export")
        assert api(script, "get", "me", token=token.key_hash).status_code == 401


class TestTheApi:
    def test_it_creates_lists_and_revokes_tokens(self, world, script):
        _first, secret = create_api_token(user=world.doctor_a, name="bootstrap")
        response = api(script, "post", "me/tokens", {"name": "second"}, token=secret)
        assert response.status_code == 201
        created = response.json()
        assert created["secret"].startswith("qme_")
        listed = api(script, "get", "me/tokens", token=secret).json()
        assert {t["name"] for t in listed} == {"bootstrap", "second"}
        assert all("secret" not in t for t in listed)
        response = api(script, "delete", f"me/tokens/{created['id']}", token=secret)
        assert response.status_code == 204
        assert api(script, "get", "me", token=created["secret"]).status_code == 401
        assert api(script, "get", "me", token=secret).status_code == 200

    def test_it_answers_404_for_someone_elses_token(self, world, script):
        other, other_secret = create_api_token(user=world.coordinator_b, name="Ben's")
        _mine, secret = create_api_token(user=world.doctor_a, name="mine")
        response = api(script, "delete", f"me/tokens/{other.pk}", token=secret)
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
        assert api(script, "get", "me", token=other_secret).status_code == 200

    @pytest.mark.parametrize("name", ["", "   ", "n" * 101, None, 42, "a\x00b"])
    def test_it_names_a_bad_token_name(self, world, script, name):
        _token, secret = create_api_token(user=world.doctor_a, name="bootstrap")
        before = row_counts()
        response = api(script, "post", "me/tokens", {"name": name}, token=secret)
        assert response.status_code == 422
        assert "name" in {str(e["loc"][-1]) for e in response.json()["detail"]}
        assert row_counts() == before
