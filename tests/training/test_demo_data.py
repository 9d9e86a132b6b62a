"""`qme seed` shows training at several points of the two years: a trainee ten months in with an
approved plan, credits signed off, an item waiting for sign-off and one late; a colleague on
parental leave; a colleague past two years on an extension. All made through the services, so
they keep the rules."""

from __future__ import annotations

import pytest
from django.utils import timezone

from qme.core import seeding
from qme.training import selectors, services
from qme.training.models import (
    Curriculum,
    Deliverable,
    ItemRecord,
    PlanStatus,
    RecordStatus,
    Traineeship,
    TraineeshipStatus,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    seeding.seed_demo()


def test_it_seeds_trainees_at_several_points_one_on_leave_one_extended(seeded):
    traineeships = list(Traineeship.objects.select_related("trainee"))
    assert len(traineeships) >= 3
    statuses = {t.status for t in traineeships}
    assert {TraineeshipStatus.ON_LEAVE, TraineeshipStatus.EXTENDED} <= statuses
    today = timezone.localdate()
    days_in = sorted((today - t.start_date).days for t in traineeships)
    assert days_in[0] < 365 < days_in[-1]  # in the first year and past the second
    extended = next(t for t in traineeships if t.status == TraineeshipStatus.EXTENDED)
    assert extended.extensions.exists()
    # Made in bulk or through the services, each keeps its next due plan item.
    for traineeship in traineeships:
        earliest = selectors.open_items(traineeship).order_by("planned_end").first()
        assert traineeship.next_due_on == (earliest.planned_end if earliest else None)
    assert any(t.next_due_on for t in traineeships)
    assert extended.expected_end_date > extended.start_date + services.TRAINING_LENGTH
    on_leave = next(t for t in traineeships if t.status == TraineeshipStatus.ON_LEAVE)
    leave = on_leave.leaves.get()
    assert leave.starts_on <= today <= leave.ends_on


def test_the_demo_trainee_has_a_plan_credits_and_work_waiting(seeded):
    traineeship = Traineeship.objects.get(trainee__email=f"trainee@{seeding.DEMO_DOMAIN}")
    plan = selectors.approved_plan(traineeship)
    assert plan is not None
    assert plan.status == PlanStatus.APPROVED
    assert plan.university_approved_by == traineeship.university_supervisor
    assert plan.hospital_approved_by == traineeship.hospital_supervisor
    assert services.plan_problems(plan) == []
    progress = selectors.progress(traineeship)
    assert 0 < progress.earned < progress.planned
    assert progress.waiting
    assert progress.overdue
    records = ItemRecord.objects.filter(traineeship=traineeship)
    assert records.filter(status=RecordStatus.SIGNED_OFF).count() >= 3
    assert all(r.evidence for r in records)
    milestones = traineeship.design_project.milestones.all()
    assert milestones[0].title_en == "Project plan"
    assert milestones.filter(reached_on__isnull=False).count() == 2
    assert Deliverable.objects.filter(milestone__project__traineeship=traineeship).count() == 2


def test_every_demo_traineeship_keeps_the_rules(seeded):
    for traineeship in Traineeship.objects.all():
        assert traineeship.curriculum == services.curriculum_for(traineeship.start_date)
        assert traineeship.expected_end_date == selectors.expected_end_date(traineeship)
        assert traineeship.design_project.milestones.count() == 6
        assert traineeship.hospital.is_university is False
        assert traineeship.university.is_university is True
    assert Curriculum.objects.count() >= 2
    for curriculum in Curriculum.objects.all():
        assert curriculum.mandatory.exists()


def test_it_seeds_once(seeded):
    counts = (
        Traineeship.objects.count(),
        ItemRecord.objects.count(),
        Deliverable.objects.count(),
        Curriculum.objects.count(),
    )
    seeding.seed_demo()
    assert (
        Traineeship.objects.count(),
        ItemRecord.objects.count(),
        Deliverable.objects.count(),
        Curriculum.objects.count(),
    ) == counts
