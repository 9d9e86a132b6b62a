"""Stages and their rubric: screening → interview → decision by default, five weighted criteria
scored 1–5 with what each score means; the programme office adjusts a stage's rubric until the
first sheet of that stage is submitted."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from qme.audit.models import AuditEvent
from qme.core.errors import ActionRefused
from qme.selection import services
from qme.selection.models import Stage
from tests.positions.factories import open_position

from .factories import fresh, score
from .helpers import snapshot

DEFAULT_CRITERIA = [
    ("Technical and mathematical depth", "Technische en wiskundige diepgang", 2),
    ("Design ability", "Ontwerpvaardigheid", 2),
    ("Clinical affinity", "Klinische affiniteit", 1),
    ("Communication in Dutch", "Communicatie in het Nederlands", 1),
    ("Motivation and fit with the hospital", "Motivatie en passendheid bij het ziekenhuis", 1),
]


def test_it_gives_a_procedure_three_stages_and_five_weighted_criteria(world):
    position = open_position(world)
    stages = services.ensure_stages(position)
    assert [(s.order, s.kind) for s in stages] == [
        (1, "screening"),
        (2, "interview"),
        (3, "decision"),
    ]
    for stage in stages[:2]:
        criteria = list(stage.criteria.all())
        assert [(c.name_en, c.name_nl, c.weight) for c in criteria] == DEFAULT_CRITERIA
        for criterion in criteria:
            assert sorted(criterion.anchors_en) == ["1", "2", "3", "4", "5"]
            assert sorted(criterion.anchors_nl) == ["1", "2", "3", "4", "5"]
            assert criterion.description_en
            assert criterion.description_nl
    assert not stages[2].criteria.exists()
    # Asking again changes nothing.
    assert services.ensure_stages(position) == stages
    assert Stage.objects.count() == 3


def test_it_gives_each_position_its_own_copy(world):
    first, second = open_position(world), open_position(world)
    services.ensure_stages(first)
    services.ensure_stages(second)
    criterion = first.stages.get(kind="screening").criteria.first()
    services.update_criterion(actor=fresh(world.office), criterion=criterion, changes={"weight": 5})
    assert second.stages.get(kind="screening").criteria.first().weight == 2


def test_it_lets_the_office_adjust_the_rubric_before_anyone_submits(world, proc):
    stage = proc.stage()
    criterion = stage.criteria.get(name_en="Clinical affinity")
    score(stage, proc.candidates[0], proc.hos_member, submit=False)  # a draft does not count
    services.update_criterion(
        actor=fresh(world.office),
        criterion=criterion,
        changes={"weight": 3, "name_en": "Clinical affinity and empathy"},
    )
    criterion.refresh_from_db()
    assert (criterion.weight, criterion.name_en) == (3, "Clinical affinity and empathy")
    event = AuditEvent.objects.get(action="rubric.criterion_updated")
    assert event.data == {
        "criterion": "Clinical affinity and empathy",
        "fields": ["name_en", "weight"],
    }


def test_it_fixes_the_rubric_once_a_sheet_of_the_stage_is_submitted(world, proc):
    screening = proc.stage()
    score(screening, proc.candidates[0], proc.hos_member)
    criterion = screening.criteria.first()
    before = snapshot()
    with pytest.raises(ActionRefused) as refusal:
        services.update_criterion(
            actor=fresh(world.office), criterion=criterion, changes={"weight": 4}
        )
    assert refusal.value.code == "rubric_in_use"
    assert snapshot() == before
    # The interview stage has no submitted sheets yet: it can still change.
    interview = proc.stage("interview").criteria.first()
    services.update_criterion(actor=fresh(world.office), criterion=interview, changes={"weight": 4})


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"weight": 0}, ValidationError),
        ({"weight": 11}, ValidationError),
        ({"weight": -1}, ValidationError),
        ({"name_en": ""}, ValidationError),
        ({"anchors_en": {}}, ActionRefused),
        ({"stage_id": 1}, ActionRefused),
    ],
)
def test_it_refuses_a_bad_change(world, proc, changes, error):
    criterion = proc.stage().criteria.first()
    before = snapshot()
    with pytest.raises(error):
        services.update_criterion(actor=fresh(world.office), criterion=criterion, changes=changes)
    assert snapshot() == before


@pytest.mark.parametrize("who", ["uni_chair", "hos_member"])
def test_it_lets_only_the_office_adjust_the_rubric(world, proc, who):
    criterion = proc.stage().criteria.first()
    before = snapshot()
    with pytest.raises(PermissionDenied):
        services.update_criterion(
            actor=fresh(getattr(proc, who)), criterion=criterion, changes={"weight": 3}
        )
    assert snapshot() == before
