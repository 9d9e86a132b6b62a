"""Every report page, its downloads and its API answer cost the same number of queries with twice
the data: more hospitals, trainees, applications, feedback and reviews; computed (the cache
emptied first) and taken from the cache."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from qme.feedback.models import ProgrammeSettings
from qme.reports.views import REPORTS

from .factories import grow

pytestmark = pytest.mark.django_db


def _urls(slug: str) -> list[str]:
    tables = {
        "pipeline": ["pipeline"],
        "cohort-progress": ["months", "trainees"],
        "completion": ["cohorts"],
        "feedback-cadence": ["hospitals", "supervisors"],
        "review-outcomes": ["outcomes"],
        "regions": ["provinces"],
    }[slug]
    urls = [f"/reports/{slug}/", f"/api/v1/reports/{slug}"]
    for table in tables:
        urls += [f"/reports/{slug}/{table}.csv", f"/reports/{slug}/{table}.xlsx"]
    return urls


def _costs(client, urls: list[str], query: str = "", *, cached: bool = False) -> dict[str, int]:
    """The queries of each request: computing the figures, or (`cached`) taking them from the
    cache, where the request before left them."""
    costs = {}
    for url in urls:
        if cached:
            client.get(url + query)
        else:
            cache.clear()
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url + query)
        assert response.status_code == 200, url
        costs[url] = len(captured)
    return costs


@pytest.mark.parametrize("slug", list(REPORTS))
def test_it_costs_the_same_queries_with_twice_the_data(world, client_for, slug):
    grow(world, 2, region="NH")
    office = client_for(world.office)
    urls = _urls(slug)
    _costs(office, urls)  # once first: settings made on first use are not the data's cost
    office_before = _costs(office, urls)
    filtered_before = _costs(office, urls, f"?region=NH&university={world.university.pk}")

    grow(world, 2, region="UT")
    grow(world, 2, region="NH")

    assert _costs(office, urls) == office_before
    assert _costs(office, urls, f"?region=NH&university={world.university.pk}") == filtered_before


@pytest.mark.parametrize("slug", list(REPORTS))
def test_it_costs_the_same_few_queries_from_the_cache_with_twice_the_data(world, client_for, slug):
    grow(world, 2)
    ProgrammeSettings.current()  # made on first use: a change to what the cadence counts
    office = client_for(world.office)
    urls = _urls(slug)
    before = _costs(office, urls, cached=True)
    computed = _costs(office, urls)
    grow(world, 2)
    assert _costs(office, urls, cached=True) == before
    # From the cache, the figures and the filter form's lists cost no query: the page costs
    # what the reports' index costs.
    index = _costs(office, ["/reports/"], cached=True)["/reports/"]
    assert before[f"/reports/{slug}/"] == index
    assert all(before[url] < computed[url] for url in urls)


@pytest.mark.parametrize("slug", list(REPORTS))
def test_it_costs_a_coordinator_the_same_queries_with_twice_the_data(world, client_for, slug):
    grow(world, 1, at=world.hospital_a)
    grow(world, 1)
    client = client_for(world.coordinator_a)
    urls = _urls(slug)
    _costs(client, urls)
    before = _costs(client, urls)
    grow(world, 2, at=world.hospital_a)
    grow(world, 2)
    assert _costs(client, urls) == before


def test_it_costs_few_queries(world, client_for, django_assert_max_num_queries):
    grow(world, 3)
    ProgrammeSettings.current()  # made once, on first use
    client = client_for(world.office)
    for slug in REPORTS:
        with django_assert_max_num_queries(25):
            assert client.get(f"/reports/{slug}/").status_code == 200
