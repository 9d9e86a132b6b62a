"""A trainee's feedback page shows the entries latest first, a page at a time: over two years a
trainee collects hundreds of entries, and the page must not grow with them. A link to one entry
(from the home page, after a response) opens the page that holds it."""

from __future__ import annotations

import pytest

from qme.feedback.models import Feedback
from qme.feedback.views import FEEDBACK_PER_PAGE
from tests.helpers import page_text

from .helpers import give, given_days_ago, traineeship_for

pytestmark = pytest.mark.django_db

ENTRIES = FEEDBACK_PER_PAGE * 2 + 5


@pytest.fixture
def entries(world, traineeship) -> list[Feedback]:
    """ENTRIES feedback entries, the first given longest ago; returned latest first."""
    made = []
    for n in range(ENTRIES):
        entry = give(world.supervisor_a, traineeship, subject=f"Entry {n:02d}")
        made.append(given_days_ago(entry, ENTRIES - n))
    return made[::-1]


def _shown(response) -> list[int]:
    return [entry.pk for entry in response.context["page"]]


def test_it_shows_the_latest_entries_first_a_page_at_a_time(
    world, traineeship, entries, client_for
):
    client = client_for(world.trainee_a)
    first = client.get(f"/feedback/{traineeship.pk}/")
    assert _shown(first) == [e.pk for e in entries[:FEEDBACK_PER_PAGE]]
    text = page_text(first)
    assert f"Page 1 of 3 · {ENTRIES} results" in text
    assert "Entry 44" in text
    assert "Entry 00" not in text
    assert "?page=2" in first.content.decode()

    last = client.get(f"/feedback/{traineeship.pk}/?page=3")
    assert _shown(last) == [e.pk for e in entries[FEEDBACK_PER_PAGE * 2 :]]
    assert "Entry 00" in page_text(last)
    # A page number out of range or not a number gives the nearest page, not an error.
    assert _shown(client.get(f"/feedback/{traineeship.pk}/?page=99")) == _shown(last)
    assert _shown(client.get(f"/feedback/{traineeship.pk}/?page=x")) == _shown(first)


def test_a_link_to_an_entry_opens_the_page_that_holds_it(world, traineeship, entries, client_for):
    client = client_for(world.supervisor_a)
    oldest = entries[-1]
    response = client.get(f"/feedback/{traineeship.pk}/?feedback={oldest.pk}")
    assert response.status_code == 200
    assert oldest.pk in _shown(response)
    assert response.context["page"].number == 3
    # Entries given at the same moment are ordered by id, as the page orders them.
    same = entries[FEEDBACK_PER_PAGE - 1 : FEEDBACK_PER_PAGE + 1]
    Feedback.objects.filter(pk__in=[e.pk for e in same]).update(given_at=same[0].given_at)
    for entry in same:
        page = client.get(f"/feedback/{traineeship.pk}/?feedback={entry.pk}")
        assert entry.pk in _shown(page)


def test_a_link_to_someone_else_s_entry_or_to_nothing_opens_the_first_page(
    world, traineeship, entries, client_for
):
    other = traineeship_for(world, world.applicant)
    theirs = give(world.supervisor_a, other)
    client = client_for(world.supervisor_a)
    for wanted in (str(theirs.pk), "999999", "abc", ""):
        response = client.get(f"/feedback/{traineeship.pk}/?feedback={wanted}")
        assert response.status_code == 200
        assert response.context["page"].number == 1
        assert theirs.pk not in _shown(response)


def test_a_response_to_an_old_entry_returns_to_its_page(world, traineeship, entries, own_client):
    oldest = entries[-1]
    client = own_client(world.trainee_a)
    response = client.post(
        f"/feedback/{traineeship.pk}/{oldest.pk}/respond/",
        {"body": "I have added the numbers to the protocol."},
    )
    assert response.status_code == 302
    followed = client.get(response.url)
    assert oldest.pk in _shown(followed)
    assert "I have added the numbers to the protocol." in page_text(followed)


def test_the_trainee_s_home_page_links_to_the_page_of_each_recent_entry(
    world, traineeship, entries, client_for
):
    home = page_text(client_for(world.trainee_a).get("/"))
    latest = entries[0]
    assert f"/feedback/{traineeship.pk}/?feedback={latest.pk}#feedback-{latest.pk}" in home
