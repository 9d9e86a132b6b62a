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


def test_a_name_is_looked_for_as_whole_words_and_only_when_it_has_two():
    from qme.privacy.protocol import mention_patterns, searchable_name

    assert searchable_name("Test") is None
    assert searchable_name("Al B") == "Al B"
    assert searchable_name("  Tim   Trainee ") == "Tim Trainee"
    address, name = mention_patterns("tim@example.org", "Tim Trainee")
    assert name.sub("X", "Dear TIM trainee, from Tim Trainees") == "Dear X, from Tim Trainees"
    assert address.sub("Y", "to Tim@Example.org") == "to Y"
    assert len(mention_patterns("madonna@example.org", "Madonna")) == 1
