"""Every app that holds personal data has a privacy.py, and the privacy app finds it."""

from __future__ import annotations

from qme.privacy.registry import erasure_order, providers

APPS = {
    "accounts",
    "organisations",
    "audit",
    "positions",
    "selection",
    "training",
    "feedback",
    "graduation",
    "privacy",
}


def test_it_finds_the_privacy_module_of_every_app():
    found = {provider.label for provider in providers()}
    assert found >= APPS
    for provider in providers():
        assert callable(provider.module.personal_data), provider.label
        assert callable(provider.module.erase), provider.label


def test_the_trail_and_then_the_account_are_erased_last():
    order = [provider.label for provider in erasure_order()]
    assert order[-2:] == ["audit", "accounts"]


def test_the_record_comes_from_training_feedback_and_graduation():
    with_record = {p.label for p in providers() if hasattr(p.module, "record_of")}
    assert with_record == {"training", "feedback", "graduation"}
