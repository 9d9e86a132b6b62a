"""Fixtures of the home-page tests: the cohort rules and catalogue of the training tests, signing
keys in a temporary folder (granting a graduation issues a diploma), and helpers that read one
action list off the home page."""

from __future__ import annotations

import pytest

from tests.feedback_support import emails, own_client
from tests.training.conftest import catalogue, rules

__all__ = ["catalogue", "emails", "own_client", "rules"]


@pytest.fixture(autouse=True)
def _signing_keys(settings, tmp_path):
    settings.QME_SIGNING_KEY_DIR = tmp_path / "keys"


@pytest.fixture
def home(own_client):
    """home(person): the sections of their home page, by kind, and the page's HTML."""

    def _home(person):
        response = own_client(person).get("/")
        assert response.status_code == 200
        return Home(response)

    return _home


class Home:
    def __init__(self, response):
        self.response = response
        self.html = response.content.decode()
        self.sections = {s.kind: s for s in response.context["sections"]}

    def group(self, section: str, key: str):
        """The action group `key` of a section, or None when it lists nothing."""
        found = self.sections.get(section)
        if found is None:
            return None
        for group in found.context.get("groups", []):
            if group.key == key:
                return group
        return None

    def labels(self, section: str, key: str) -> list[str]:
        group = self.group(section, key)
        return [item.label for item in group.items] if group else []

    def item(self, section: str, key: str, label: str):
        group = self.group(section, key)
        assert group is not None, (section, key, list(self.sections))
        matches = [i for i in group.items if label in i.label]
        assert matches, (label, [i.label for i in group.items])
        return matches[0]
