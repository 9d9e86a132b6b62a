"""Every page in Dutch or English; a person picks a language and it sticks."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from qme.accounts.models import User
from qme.accounts.services import create_api_token
from tests.helpers import api, page_text


def html_lang(response) -> str:
    text = page_text(response)
    start = text.index("<html lang=") + len('<html lang="')
    return text[start : text.index('"', start)]


def test_it_stores_the_choice_on_the_person_and_in_a_cookie(world, client_for):
    client = client_for(world.doctor_a)
    response = client.post("/i18n/language/", {"language": "nl", "next": "/organisations/"})
    assert response.status_code == 302
    assert response["Location"] == "/organisations/"
    world.doctor_a.refresh_from_db()
    assert world.doctor_a.language == "nl"
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "nl"
    assert cookie["max-age"] == settings.LANGUAGE_COOKIE_AGE
    assert cookie["samesite"] == "Lax"


def test_it_renders_pages_in_the_persons_language(world, client_for):
    world.doctor_a.language = "nl"
    world.doctor_a.save()
    client = client_for(world.doctor_a)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the person's own choice wins
    for url in ["/", f"/organisations/{world.hospital_a.pk}/", "/accounts/profile/"]:
        response = client.get(url, headers={"Accept-Language": "en"})
        assert response.status_code == 200, url
        assert html_lang(response) == "nl", url
        assert response["Content-Language"] == "nl", url


def test_it_follows_the_choice_on_every_device(world, client_for):
    client_for(world.doctor_a).post("/i18n/language/", {"language": "nl", "next": "/"})
    other_device = Client()
    other_device.force_login(User.objects.get(pk=world.doctor_a.pk))
    assert html_lang(other_device.get("/")) == "nl"


def test_it_switches_back_to_english(world, client_for):
    world.doctor_a.language = "nl"
    world.doctor_a.save()
    client = client_for(world.doctor_a)
    client.post("/i18n/language/", {"language": "en", "next": "/"})
    response = client.get("/")
    assert html_lang(response) == "en"
    assert response["Content-Language"] == "en"


def test_it_lets_a_visitor_choose_before_signing_in(world, client):
    assert html_lang(client.get("/accounts/login/")) == "nl"  # the default
    response = client.post("/i18n/language/", {"language": "en", "next": "/accounts/login/"})
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert html_lang(client.get("/accounts/login/")) == "en"


def test_it_follows_the_browser_of_a_visitor_without_a_choice(world, client):
    response = client.get("/accounts/login/", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert html_lang(response) == "en"


@pytest.mark.parametrize("language", ["", "fr", "xx" * 5_000, "<script>", "nl'; --"])
def test_it_ignores_an_unknown_language(world, client_for, language):
    client = client_for(world.doctor_a)
    response = client.post("/i18n/language/", {"language": language, "next": "/"})
    assert response.status_code == 302
    world.doctor_a.refresh_from_db()
    assert world.doctor_a.language == "en"
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


@pytest.mark.parametrize(
    "next_url", ["https://evil.example.org/", "//evil.example.org/", "javascript:alert(1)", ""]
)
def test_it_never_sends_people_to_another_site(world, client_for, next_url):
    response = client_for(world.doctor_a).post(
        "/i18n/language/", {"language": "nl", "next": next_url}
    )
    assert response["Location"] == "/"


def test_it_only_switches_by_post(world, client_for):
    assert client_for(world.doctor_a).get("/i18n/language/?language=nl").status_code == 405


def test_it_answers_the_api_in_the_persons_language(world):
    world.trainee_a.language = "nl"
    world.trainee_a.save()
    _token, secret = create_api_token(user=world.trainee_a, name="script")
    response = api(Client(), "get", f"organisations/{world.hospital_b.pk}", token=secret)
    assert response.status_code == 404
    assert response["Content-Language"] == "nl"


def test_it_keeps_the_choice_from_the_profile_page(world, client_for):
    client = client_for(world.doctor_a)
    response = client.post(
        "/accounts/profile/", {"full_name": "Dirk Doctor", "language": "nl", "phone": ""}
    )
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "nl"
    world.doctor_a.refresh_from_db()
    assert world.doctor_a.language == "nl"
    assert html_lang(client.get("/")) == "nl"
