"""Each traineeship keeps the planned end of the earliest open item of its approved plan
(`next_due_on`), so that lists of trainees with late items compare a date instead of reading
every plan item and record. The training services keep it
(the demo data: tests/training/test_demo_data.py)."""

from __future__ import annotations

from qme.training import selectors, services
from qme.training.models import Traineeship

from .factories import approved_plan, item_titled, signed_off, submitted_plan, traineeship_of


def _computed(traineeship: Traineeship):
    earliest = selectors.open_items(traineeship).order_by("planned_end").first()
    return earliest.planned_end if earliest else None


def test_nothing_is_due_before_a_plan_is_approved(world, catalogue, rules):
    traineeship = traineeship_of(world)
    submitted_plan(traineeship, catalogue)
    traineeship.refresh_from_db()
    assert traineeship.next_due_on is None


def test_approving_the_plan_sets_the_earliest_item_and_signing_off_moves_it(
    world, catalogue, rules
):
    traineeship = traineeship_of(world)
    plan = approved_plan(traineeship, catalogue)
    traineeship.refresh_from_db()
    ends = sorted(plan.items.values_list("planned_end", flat=True))
    assert traineeship.next_due_on == ends[0]

    first = plan.items.order_by("planned_end", "pk").first()
    signed_off(traineeship, first)
    traineeship.refresh_from_db()
    assert traineeship.next_due_on == _computed(traineeship)
    assert traineeship.next_due_on >= first.planned_end

    for item in plan.items.exclude(pk=first.pk):
        signed_off(traineeship, item)
    traineeship.refresh_from_db()
    assert traineeship.next_due_on is None


def test_an_item_signed_off_under_an_older_plan_version_stays_done(world, catalogue, rules):
    traineeship = traineeship_of(world)
    plan = approved_plan(traineeship, catalogue)
    signed_off(traineeship, item_titled(plan, "Medical device regulation"))
    draft = services.start_plan_version(actor=traineeship.trainee, traineeship=traineeship)
    services.submit_plan(actor=traineeship.trainee, plan=draft, note="Moved a course.")
    services.approve_plan(actor=traineeship.university_supervisor, plan=draft)
    services.approve_plan(actor=traineeship.hospital_supervisor, plan=draft)
    traineeship.refresh_from_db()
    assert traineeship.next_due_on == _computed(traineeship)
    regulation = item_titled(draft, "Medical device regulation")
    assert not selectors.open_items(traineeship).filter(key=regulation.key).exists()
