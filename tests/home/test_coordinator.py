"""A hospital coordinator's home page lists their own hospital's requests, positions, procedures
and trainees at risk — never another hospital's."""

from __future__ import annotations

from django.utils.html import escape

from tests.factories import UserFactory
from tests.positions.factories import approved_position, changes_requested_request
from tests.training.factories import traineeship_of


def test_it_lists_the_coordinators_own_procedures_and_trainees_only(world, rules, home):
    own_position = approved_position(world)
    other_position = approved_position(world, hospital=world.hospital_b)
    own = traineeship_of(world)
    other = traineeship_of(
        world, trainee=UserFactory(full_name="Olaf Other"), hospital=world.hospital_b
    )

    page = home(world.coordinator_a)
    item = page.item("selection_coordinator", "without_committee", own_position.title_en)
    # A coordinator cannot open the committee page: the link is the position's page.
    assert item.url == f"/manage/positions/{own_position.pk}/"
    assert page.group("selection_coordinator", "without_committee").count == 1
    risk = page.item("trainees_coordinator", "at_risk", "Tim Trainee")
    assert risk.url == f"/training/{own.pk}/"
    assert page.group("trainees_coordinator", "at_risk").count == 1
    assert "Olaf Other" not in page.html
    assert f"/training/{other.pk}/" not in page.html
    assert f"/manage/positions/{other_position.pk}/" not in page.html
    assert f'href="/training/?hospital={world.hospital_a.pk}"' in page.html

    other_page = home(world.coordinator_b)
    assert other_page.labels("trainees_coordinator", "at_risk") == ["Olaf Other"]
    assert "Tim Trainee" not in other_page.html
    # The links lead to pages the coordinator may open.
    client = page.response.client
    assert client.get(item.url).status_code == 200
    assert client.get(risk.url).status_code == 200


def test_it_asks_the_coordinator_to_answer_the_office(world, home):
    request = changes_requested_request(world, title="Image-guided biopsies")
    page = home(world.coordinator_a)
    assert "The programme office asks for changes: answer and submit again." in page.html
    assert f'href="/requests/{request.pk}/"' in page.html
    assert "Image-guided biopsies" not in home(world.coordinator_b).html


def test_it_tells_a_coordinator_when_nothing_waits(world, home):
    page = home(world.coordinator_a)
    assert escape("None of your hospital's trainees is at risk.") in page.html
    assert "Every procedure of your hospital has its committee and is moving." in page.html
