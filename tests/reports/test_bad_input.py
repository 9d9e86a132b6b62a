"""Careless or hostile filter values never break a report: the page says which filter is left
out, the downloads ignore it, and the API answers 422."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from qme.reports.views import REPORTS
from tests.helpers import HOSTILE_TEXT, api

from .factories import grow
from .test_figures import table

pytestmark = pytest.mark.django_db

BAD_VALUES = [
    *[text for text in HOSTILE_TEXT if text.strip()],
    "-1",
    "99999999999999999999999",
    "1e3",
    "2025.5",
    "NL",
    "[]",
]


@pytest.mark.parametrize("slug", list(REPORTS))
@pytest.mark.parametrize("name", ["cohort", "hospital", "region", "university"])
def test_it_leaves_a_bad_filter_out_and_says_so(world, client_for, slug, name):
    grow(world, 1)
    client = client_for(world.office)
    unfiltered = table(client, slug, next(iter(_keys(slug))))
    for i, value in enumerate(BAD_VALUES):
        query = "?" + urlencode({name: value})
        response = client.get(f"/reports/{slug}/{query}")
        assert response.status_code == 200, (name, value)
        assert "This filter is left out." in response.content.decode(), (name, value)
        for key in _keys(slug) if i % 4 == 0 else ():
            assert client.get(f"/reports/{slug}/{key}.csv{query}").status_code == 200
            assert client.get(f"/reports/{slug}/{key}.xlsx{query}").status_code == 200
        response = api(client, "get", f"reports/{slug}{query}")
        assert response.status_code == 422, (name, value)
        assert response.json()["detail"][0]["loc"] == ["query", name]
    # With an empty value the filter is simply not used.
    assert table(client, slug, next(iter(_keys(slug))), f"?{name}=") == unfiltered


def test_it_keeps_the_good_filters_when_one_is_bad(world, client_for):
    grow(world, 1, region="NH")
    grow(world, 1, region="ZH")
    client = client_for(world.office)
    page = client.get("/reports/regions/?region=ZH&cohort=abc").content.decode()
    assert "This filter is left out." in page
    assert "<title>Zuid-Holland: 1</title>" in page
    assert "<title>Noord-Holland" not in page.split("<table", 1)[1]


def test_it_refuses_to_change_anything(world, client_for):
    client = client_for(world.office)
    assert client.post("/reports/pipeline/").status_code == 405
    assert client.post("/reports/pipeline/pipeline.csv").status_code == 405


def _keys(slug: str) -> list[str]:
    from .test_who_sees_reports import _tables

    return _tables(slug)
