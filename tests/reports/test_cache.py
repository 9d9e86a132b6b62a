"""Report figures are kept in the cache and never shown out of date: a change to what a report
counts shows at once, the page says when its figures were computed, a coordinator never gets
figures computed for someone else's scope, and a long list of trainees comes a page at a time."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zoneinfo

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from qme.feedback.models import ProgrammeSettings
from qme.reports import cache as versioned
from tests.feedback.helpers import api_payload
from tests.feedback_support import traineeship_for
from tests.helpers import api

from .factories import traineeship_at
from .test_figures import body, table

AMSTERDAM = zoneinfo.ZoneInfo("Europe/Amsterdam")

pytestmark = pytest.mark.django_db

CADENCE = "/reports/feedback-cadence/"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.fixture
def followed(world):
    """A trainee at hospital A for 60 days, without feedback yet; the settings exist."""
    ProgrammeSettings.current()
    return traineeship_for(world, days_ago=60)


def test_it_shows_new_feedback_at_once(world, followed, client_for):
    office = signed_in(world.office)
    hospitals = table(office, "feedback-cadence", "hospitals")
    assert hospitals["rows"] == [["Amstelland Medisch Centrum", 1, 0, 0, None, 1, 100.0]]
    queries(office, CADENCE)  # the first page also works out the navigation
    cached = queries(office, CADENCE)
    assert queries(office, CADENCE) == cached  # kept: nothing changed

    response = api(
        client_for(world.supervisor_a),
        "post",
        f"traineeships/{followed.pk}/feedback",
        api_payload(),
    )
    assert response.status_code == 201, response.content

    # One entry, in the last 90 days; still overdue from the university's side.
    assert table(office, "feedback-cadence", "hospitals")["rows"] == [
        ["Amstelland Medisch Centrum", 1, 1, 1, None, 1, 100.0]
    ]
    assert table(office, "feedback-cadence", "supervisors")["rows"] == [
        ["Ulla University", "University", 1, 0, 0, None, 1],
        ["Sara Supervisor", "Hospital", 1, 1, 1, None, 0],
    ]
    download = office.get("/reports/feedback-cadence/hospitals.csv")
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert rows[1] == ["Amstelland Medisch Centrum", "1", "1", "1", "", "1", "100.0"]


@pytest.mark.django_db(transaction=True)
def test_what_a_transaction_computes_from_its_own_writes_is_never_shown_to_others(world):
    """Real commits: the writes of a transaction move the versions on for everyone when it
    commits, not before; what the writing process computed from its rows meanwhile is kept
    under versions of its own and never used again after the commit."""
    from django.db import transaction

    from qme.feedback.models import Feedback
    from qme.training.models import Traineeship

    key = versioned._version_key(Traineeship)
    compute = _counter()
    reads = [Traineeship, Feedback]
    assert versioned.remember("test", reads, None, compute) == 1
    before = cache.get(key)
    traineeship = traineeship_for(world, days_ago=60)
    assert versioned.remember("test", reads, None, compute) == 2
    after_first = cache.get(key)
    assert after_first != before, "a write outside a transaction counts at once"

    with transaction.atomic():
        Traineeship.objects.filter(pk=traineeship.pk).update(status_reason="moved")
        # Not yet for others: the version in the cache has not moved.
        assert cache.get(key) == after_first
        # This process sees its own write, and keeps what it computed under its own versions.
        assert versioned.remember("test", reads, None, compute) == 3
        assert versioned.remember("test", reads, None, compute) == 3
        Traineeship.objects.filter(pk=traineeship.pk).update(status_reason="moved again")
        assert versioned.remember("test", reads, None, compute) == 4
    assert cache.get(key) != after_first, "committed: moved on for everyone"
    assert versioned.remember("test", reads, None, compute) == 5
    assert versioned.remember("test", reads, None, compute) == 5


@pytest.mark.django_db(transaction=True)
def test_a_transaction_rolled_back_changes_nothing_kept(world):
    from django.db import transaction

    from qme.training.models import Traineeship

    traineeship = traineeship_for(world, days_ago=60)
    key = versioned._version_key(Traineeship)
    compute = _counter()
    assert versioned.remember("test", [Traineeship], None, compute) == 1
    version = cache.get(key)

    def refused_change() -> None:
        with transaction.atomic():
            Traineeship.objects.filter(pk=traineeship.pk).update(status_reason="never")
            assert versioned.remember("test", [Traineeship], None, compute) == 2
            raise RuntimeError("refused")

    with pytest.raises(RuntimeError):
        refused_change()
    assert cache.get(key) == version
    assert versioned.remember("test", [Traineeship], None, compute) == 1, "kept as before"


def test_it_keeps_the_figures_when_someone_only_signs_in(world, followed):
    office = signed_in(world.office)
    office.get(CADENCE)
    cached = queries(office, CADENCE)
    signed_in(world.supervisor_a)  # saves their last sign-in
    assert queries(office, CADENCE) == cached


def test_it_says_when_the_figures_were_computed(world, followed):
    office = signed_in(world.office)
    page = body(office.get(CADENCE))
    assert re.search(r"Figures as of [^<]*\d{1,2}:\d{2}", page)
    answer = api(office, "get", "reports/feedback-cadence").json()
    computed_at = dt.datetime.fromisoformat(answer["computed_at"])
    assert abs(dt.datetime.now(dt.UTC) - computed_at) < dt.timedelta(minutes=5)


def test_it_gives_the_moment_day_first_on_a_24_hour_clock(world, followed, time_machine):
    """Not "Dec. 7, 2026, midnight": English pages read as English in the Netherlands."""
    time_machine.move_to(dt.datetime(2026, 12, 7, 0, 0, tzinfo=AMSTERDAM), tick=False)
    cache.clear()
    page = body(signed_in(world.office).get(CADENCE))
    assert "Figures as of 7 December 2026, 00:00." in page
    world.office.language = "nl"
    world.office.save(update_fields=["language"])
    assert "Stand van " in body(signed_in(world.office).get(CADENCE))


@pytest.mark.parametrize("first", ["office", "coordinator_a"])
def test_it_never_answers_a_coordinator_with_figures_of_a_wider_scope(world, first):
    for hospital in (world.hospital_a, world.hospital_b):
        traineeship_at(hospital, world.university, dt.date(2025, 9, 1))
    readers = {name: signed_in(getattr(world, name)) for name in ("office", "coordinator_a")}
    readers[first].get("/reports/pipeline/")
    for name, client in readers.items():
        hospitals = [row[0] for row in table(client, "pipeline", "pipeline")["rows"]]
        if name == "office":
            assert hospitals == ["Amstelland Medisch Centrum", "Ziekenhuis De Maasoever"]
        else:
            assert hospitals == ["Amstelland Medisch Centrum"]
            assert "Maasoever" not in body(client.get("/reports/pipeline/"))


def _trainee_rows(page: str) -> int:
    section = page.split('id="table-trainees"', 1)[1].split("</section>", 1)[0]
    return section.split("<tbody>", 1)[1].split("</tbody>", 1)[0].count("<tr>")


def test_it_lists_a_long_cohort_a_page_at_a_time(world):
    for _ in range(60):
        traineeship_at(world.hospital_a, world.university, dt.date(2025, 9, 1))
    office = signed_in(world.office)

    first = body(office.get("/reports/cohort-progress/?cohort=2025"))
    assert _trainee_rows(first) == 50
    assert "Page 1 of 2 · 60 results" in first
    assert 'href="?cohort=2025&amp;page=2"' in first
    # The downloads and the other reports keep the filters, not the page.
    assert 'href="/reports/cohort-progress/trainees.csv?cohort=2025"' in first

    second = body(office.get("/reports/cohort-progress/?cohort=2025&page=2"))
    assert _trainee_rows(second) == 10
    assert "Page 2 of 2 · 60 results" in second

    assert len(table(office, "cohort-progress", "trainees", "?cohort=2025")["rows"]) == 60
    download = office.get("/reports/cohort-progress/trainees.csv?cohort=2025&page=2")
    assert len(list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))) == 61


def _counter():
    calls: list[int] = []

    def compute() -> int:
        calls.append(1)
        return len(calls)

    return compute


def test_every_kind_of_write_counts_as_a_change(world, followed):
    """Writes that skip the model signals (update, bulk_create, delete of a queryset) reach the
    database as statements all the same: each makes what was kept out of date."""
    from qme.feedback.models import Feedback
    from qme.reports.cache import remember
    from qme.training.models import Traineeship

    compute = _counter()
    reads = [Traineeship, Feedback]
    assert remember("test", reads, None, compute) == 1
    assert remember("test", reads, None, compute) == 1, "nothing changed: kept"
    Traineeship.objects.filter(pk=followed.pk).update(status_reason="moved")
    assert remember("test", reads, None, compute) == 2
    assert remember("test", reads, None, compute) == 2
    Feedback.objects.filter(traineeship=followed).delete()
    Traineeship.objects.bulk_update([followed], ["status_reason"])
    assert remember("test", reads, None, compute) == 3


def test_a_sign_in_alone_changes_nothing_kept_but_a_new_name_does(world):
    from django.utils import timezone

    from qme.accounts.models import User
    from qme.reports.cache import remember

    compute = _counter()
    assert remember("test", [User], None, compute) == 1
    User.objects.filter(pk=world.trainee_a.pk).update(last_login=timezone.now())
    assert remember("test", [User], None, compute) == 1
    User.objects.filter(pk=world.trainee_a.pk).update(full_name="Tim Renamed")
    assert remember("test", [User], None, compute) == 2


def test_a_new_release_never_shows_what_the_one_before_kept(db, monkeypatch):
    """Kept HTML holds the templates of the release that rendered it: the release's fingerprint
    (its code, templates and translations) is part of every key."""
    computed: list[str] = []

    def compute() -> str:
        computed.append(versioned.release())
        return "rendered"

    assert versioned.release() == versioned.release() != ""
    versioned.remember("test:release", (), None, compute)
    versioned.remember("test:release", (), None, compute)
    assert len(computed) == 1
    monkeypatch.setattr(versioned, "release", lambda: "the next release")
    versioned.remember("test:release", (), None, compute)
    assert computed == [computed[0], "the next release"]


def test_readers_asking_at_once_wait_for_one_computation(db):
    """Right after a change, the readers of a report ask for its figures at once: one computes
    them, the others wait for that result."""
    import threading
    import time

    computations: list[int] = []
    answers: list[str] = []

    def compute() -> str:
        computations.append(1)
        time.sleep(0.3)
        return "figures"

    def reader() -> None:
        answers.append(versioned.remember("test:at-once", (), None, compute))

    readers = [threading.Thread(target=reader) for _ in range(4)]
    for thread in readers:
        thread.start()
    for thread in readers:
        thread.join()
    assert answers == ["figures"] * 4
    assert len(computations) == 1


def test_a_failed_computation_leaves_no_one_waiting(db, monkeypatch):
    def fail() -> str:
        raise RuntimeError("the database went away")

    def wait(key: str) -> None:
        raise AssertionError(f"waited for {key}, which nobody computes")

    with pytest.raises(RuntimeError):
        versioned.remember("test:fails", (), None, fail)
    monkeypatch.setattr(versioned, "_wait_for", wait)
    assert versioned.remember("test:fails", (), None, lambda: "figures") == "figures"
