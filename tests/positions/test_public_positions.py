"""Anna, an applicant without an account, finds the open positions: on the public page, filtered
by province and university, on each position's page, in the Atom feed and in the JSON API. She
finds nothing that is not open, and nothing personal that the hospital did not publish."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from qme.organisations.models import RoleKind
from qme.positions import services
from tests.factories import UniversityFactory, person_with_role
from tests.helpers import api, page_text

from .factories import open_position, position_in

ATOM = "{http://www.w3.org/2005/Atom}"


def _public_ids(client, query: str = "") -> list[int]:
    response = client.get(f"/positions/{query}")
    assert response.status_code == 200
    return [p.pk for p in response.context["page"].object_list]


def _feed_titles(client) -> list[str]:
    response = client.get("/positions/feed.atom")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)  # noqa: S314 - our own feed
    return [entry.findtext(f"{ATOM}title") for entry in root.iter(f"{ATOM}entry")]


def _api_ids(client, query: str = "") -> list[int]:
    response = api(client, "get", f"open-positions{query}")
    assert response.status_code == 200, response.content
    return [p["id"] for p in response.json()["items"]]


@pytest.fixture(autouse=True)
def _english(client):
    """Anna reads English; the site's default for visitors is Dutch."""
    client.cookies["qme_language"] = "en"


@pytest.fixture
def published(world):
    """An open position in Noord-Holland (hospital A, University of Twente) and one in
    Zuid-Holland (hospital B, Delft)."""
    delft = UniversityFactory(name="TU Delft", short_name="TUD", city="Delft", region="ZH")
    delft_supervisor = person_with_role(RoleKind.UNIVERSITY_SUPERVISOR, delft)
    in_nh = open_position(
        world,
        title_nl="Beademing van te vroeg geboren kinderen",
        title_en="Ventilation of premature infants",
    )
    in_zh = open_position(
        world,
        request_fields={
            "hospital": world.hospital_b,
            "university": delft,
            "university_supervisor": delft_supervisor,
        },
        title_nl="Longnoduli volgen",
        title_en="Following lung nodules",
    )
    return {"nh": in_nh, "zh": in_zh, "delft": delft}


class TestThePublicList:
    def test_it_lists_open_positions_without_sign_in(self, world, client, published):
        response = client.get("/positions/")
        text = page_text(response)
        assert response.status_code == 200
        assert "Ventilation of premature infants" in text
        assert "Following lung nodules" in text
        assert "Amstelland Medisch Centrum" in text
        assert "University of Twente" in text

    def test_it_filters_by_province_and_university(self, world, client, published):
        nh, zh = published["nh"].pk, published["zh"].pk
        assert sorted(_public_ids(client)) == sorted([nh, zh])
        assert _public_ids(client, "?region=NH") == [nh]
        assert _public_ids(client, "?region=ZH") == [zh]
        assert _public_ids(client, f"?university={published['delft'].pk}") == [zh]
        assert _public_ids(client, f"?university={world.university.pk}") == [nh]
        assert _public_ids(client, f"?region=NH&university={published['delft'].pk}") == []
        assert _public_ids(client, "?region=GR") == []

    def test_it_shows_the_titles_in_the_visitors_language(self, world, client, published):
        client.cookies["qme_language"] = "nl"
        text = page_text(client.get("/positions/"))
        assert "Beademing van te vroeg geboren kinderen" in text
        assert "Ventilation of premature infants" not in text

    def test_the_kept_list_costs_no_query_and_shows_a_new_position_at_once(
        self, world, client, published
    ):
        client.get("/positions/")
        with CaptureQueriesContext(connection) as queries:
            assert "Following lung nodules" in page_text(client.get("/positions/"))
        assert len(queries) == 0
        open_position(world, title_en="Dosimetry of proton therapy")
        assert "Dosimetry of proton therapy" in page_text(client.get("/positions/"))
        partial = client.get("/positions/", headers={"HX-Request": "true"})
        assert "<html" not in page_text(partial)
        assert "Dosimetry of proton therapy" in page_text(partial)

    def test_it_answers_an_htmx_filter_with_the_results_only(self, world, client, published):
        response = client.get("/positions/?region=ZH", headers={"HX-Request": "true"})
        text = page_text(response)
        assert 'id="results"' in text
        assert "<html" not in text
        assert "Following lung nodules" in text
        assert "Ventilation of premature infants" not in text

    @pytest.mark.parametrize(
        "query",
        [
            "?region=XX",
            "?university=abc",
            "?university=99999999999999999999",
            "?university=-1",
            "?region=%3Cscript%3E",
            "?page=abc",
            "?page=99999",
            "?region=NH%00",
            "?" + "x" * 10_000 + "=1",
        ],
    )
    def test_it_survives_odd_filters(self, world, client, published, query):
        assert client.get(f"/positions/{query}").status_code == 200
        assert api(client, "get", f"open-positions{query}").status_code in (200, 422)


class TestWhatIsNotPublic:
    @pytest.mark.parametrize("status", ["draft", "cancelled", "selection", "filled"])
    def test_it_hides_a_position_that_is_not_open(self, world, client, status):
        hidden = position_in(world, status)
        assert hidden.pk not in _public_ids(client)
        assert hidden.title_en not in _feed_titles(client)
        assert hidden.pk not in _api_ids(client)

    @pytest.mark.parametrize("status", ["draft", "cancelled"])
    def test_it_has_no_page_for_a_draft_or_cancelled_position(self, world, client, status):
        hidden = position_in(world, status)
        assert client.get(f"/positions/{hidden.pk}/").status_code == 404

    def test_it_hides_an_open_position_past_its_deadline(self, world, client, time_machine):
        position = open_position(world)
        assert _public_ids(client) == [position.pk]
        time_machine.move_to(
            dt.datetime.combine(
                position.application_deadline + dt.timedelta(days=1),
                dt.time(9),
                tzinfo=timezone.get_current_timezone(),
            )
        )
        assert _public_ids(client) == []
        assert _feed_titles(client) == []
        assert _api_ids(client) == []
        page = client.get(f"/positions/{position.pk}/")
        assert "This position is no longer open for applications." in page_text(page)

    def test_it_keeps_an_open_position_on_its_deadline_day(self, world, client, time_machine):
        position = open_position(world)
        time_machine.move_to(
            dt.datetime.combine(
                position.application_deadline,
                dt.time(23, 30),
                tzinfo=timezone.get_current_timezone(),
            )
        )
        assert _public_ids(client) == [position.pk]

    @pytest.mark.parametrize("pk", ["999999", "99999999999999999999", "0"])
    def test_it_answers_404_for_an_unknown_position(self, world, client, pk):
        assert client.get(f"/positions/{pk}/").status_code == 404


class TestThePublicPage:
    def test_it_shows_what_an_applicant_needs_to_decide(self, world, client, published):
        position = published["nh"]
        text = page_text(client.get(f"/positions/{position.pk}/"))
        assert "Ventilation of premature infants" in text
        assert "Amstelland Medisch Centrum, Amsterdam" in text
        assert "Noord-Holland" in text
        assert "University of Twente" in text
        assert "Apply by" in text
        assert "Start date" in text
        assert "Fluency in Dutch" in text

    def test_it_shows_nothing_personal(self, world, client, published):
        position = published["nh"]
        personal = [
            world.doctor_a.full_name,
            world.doctor_a.email,
            world.supervisor_a.full_name,
            world.supervisor_a.email,
            world.coordinator_a.full_name,
            world.coordinator_a.email,
            world.university_supervisor.full_name,
            world.university_supervisor.email,
            world.office.full_name,
            "Contact",
        ]
        pages = [
            page_text(client.get(f"/positions/{position.pk}/")),
            page_text(client.get("/positions/")),
            page_text(client.get("/positions/feed.atom")),
            page_text(api(client, "get", "open-positions")),
        ]
        for text in pages:
            for secret in personal[:-1]:
                assert secret not in text
        assert "Contact" not in pages[0]

    def test_it_shows_the_contact_the_hospital_chose_to_publish(self, world, client, published):
        position = published["nh"]
        services.update_position(
            actor=world.office,
            position=position,
            changes={"contact_name": "Dirk Doctor", "contact_email": "qme@amstelland.example"},
        )
        text = page_text(client.get(f"/positions/{position.pk}/"))
        assert "Dirk Doctor" in text
        assert "mailto:qme@amstelland.example" in text
        assert world.doctor_a.email not in text
        [item] = [
            p
            for p in api(client, "get", "open-positions").json()["items"]
            if p["id"] == position.pk
        ]
        assert item["contact_name"] == "Dirk Doctor"
        assert item["contact_email"] == "qme@amstelland.example"

    def test_it_escapes_markup_in_the_texts(self, world, client):
        position = open_position(
            world,
            title_en="<script>alert('x')</script>",
            description_en="<img src=x onerror=alert(1)>",
        )
        text = page_text(client.get(f"/positions/{position.pk}/"))
        assert "<script>alert" not in text
        assert "<img src=x" not in text
        assert "&lt;script&gt;" in text


class TestTheFeedAndTheApi:
    def test_it_publishes_the_open_positions_as_an_atom_feed(self, world, client, published):
        assert sorted(_feed_titles(client)) == [
            "Following lung nodules",
            "Ventilation of premature infants",
        ]
        root = ET.fromstring(client.get("/positions/feed.atom").content)  # noqa: S314
        links = [link.get("href") for link in root.iter(f"{ATOM}link")]
        assert any(href.endswith(f"/positions/{published['nh'].pk}/") for href in links)

    def test_it_publishes_the_open_positions_as_json_without_sign_in(
        self, world, client, published
    ):
        response = api(client, "get", "open-positions")
        assert response.status_code == 200
        body = response.json()
        assert body["count"] == 2
        item = next(p for p in body["items"] if p["id"] == published["nh"].pk)
        assert item["title_en"] == "Ventilation of premature infants"
        assert item["title_nl"] == "Beademing van te vroeg geboren kinderen"
        assert item["hospital"] == {
            "name": "Amstelland Medisch Centrum",
            "city": "Amsterdam",
            "region": "NH",
        }
        assert item["university"] == "University of Twente"
        assert item["url"].endswith(f"/positions/{published['nh'].pk}/")
        assert "request_id" not in item
        assert _api_ids(client, "?region=ZH") == [published["zh"].pk]
        assert _api_ids(client, f"?university_id={published['delft'].pk}") == [published["zh"].pk]

    def test_it_names_a_wrong_filter(self, world, client):
        response = api(client, "get", "open-positions?region=XX")
        assert response.status_code == 422
        response = api(client, "get", "open-positions?university_id=abc")
        assert response.status_code == 422
