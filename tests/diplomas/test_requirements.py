"""The requirements check: computed from the record, it says exactly what is still missing, item
by item, and passes for a complete record. The trainee and the supervisors see it all along."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone, translation

from qme.graduation import services
from qme.training.models import Curriculum, Traineeship
from tests.helpers import api

from .builders import (
    complete_record,
    record_for,
    record_only,
    sign_off_all,
    signed_review,
    sufficient_assessment,
)


def _check(traineeship) -> dict[str, tuple[bool, str]]:
    traineeship = Traineeship.objects.get(pk=traineeship.pk)
    with translation.override("en"):
        return {c.key: (c.met, c.detail) for c in services.requirements_check(traineeship)}


def _unmet(traineeship) -> dict[str, str]:
    return {key: detail for key, (met, detail) in _check(traineeship).items() if not met}


def _mandatory_key(catalogue_item) -> str:
    return f"mandatory_{catalogue_item.pk}"


def test_it_passes_for_a_complete_record(world, rules, catalogue):
    record = complete_record(world, catalogue)
    checks = services.requirements_check(record.traineeship)
    assert services.check_passes(checks)
    assert [c.key for c in checks] == [
        "total_ec",
        "ec_design_project",
        "ec_course",
        "ec_clinical_project",
        _mandatory_key(catalogue.regulation),
        _mandatory_key(catalogue.communication),
        "design_assessment",
        "last_review",
        "open_signoffs",
    ]
    check = _check(record.traineeship)
    assert check["total_ec"] == (True, "120 of 120 EC signed off.")
    assert check["ec_design_project"] == (True, "60 of at least 60 EC signed off.")
    assert check["ec_course"] == (True, "40 of at least 30 EC signed off.")
    assert check["ec_clinical_project"] == (True, "12 of at least 10 EC signed off.")
    assert check["design_assessment"] == (True, "Assessed as sufficient.")
    assert check["last_review"] == (True, f"Satisfactory ({timezone.localdate().isoformat()}).")
    assert check["open_signoffs"] == (True, "Nothing is waiting.")


def test_it_lists_everything_that_is_missing_from_a_fresh_record(world, rules, catalogue):
    record = record_for(world, catalogue)
    assert _unmet(record.traineeship) == {
        "total_ec": "0 of 120 EC signed off.",
        "ec_design_project": "0 of at least 60 EC signed off.",
        "ec_course": "0 of at least 30 EC signed off.",
        "ec_clinical_project": "0 of at least 10 EC signed off.",
        _mandatory_key(catalogue.regulation): "Not yet signed off.",
        _mandatory_key(catalogue.communication): "Not yet signed off.",
        "design_assessment": "No agreed assessment yet.",
        "last_review": "No signed progress review yet.",
    }
    assert not services.check_passes(services.requirements_check(record.traineeship))


def test_it_names_the_one_item_that_waits_for_its_sign_off(world, rules, catalogue):
    record = record_for(world, catalogue)
    workshop = record.item_of(catalogue.communication)
    sign_off_all(record, except_=(workshop,))
    record_only(record, workshop)
    sufficient_assessment(world, record.traineeship)
    signed_review(world, record.traineeship)
    assert _unmet(record.traineeship) == {
        "total_ec": "118 of 120 EC signed off.",
        _mandatory_key(catalogue.communication): "Not yet signed off.",
        "open_signoffs": "Waiting for sign-off: Communicating with clinicians.",
    }


def test_it_counts_ec_per_category_against_the_cohort_rules(world, rules, catalogue):
    record = complete_record(world, catalogue)
    # Stricter rules of a later cohort do not apply to this trainee...
    Curriculum.objects.create(cohort_year=rules.cohort_year + 1, course_ec=60, total_ec=130)
    assert _unmet(record.traineeship) == {}
    # ...but the rules of their own cohort do.
    Curriculum.objects.filter(pk=rules.pk).update(course_ec=45, total_ec=125)
    assert _unmet(record.traineeship) == {
        "total_ec": "120 of 125 EC signed off.",
        "ec_course": "40 of at least 45 EC signed off.",
    }


def test_a_missing_clinical_project_is_named_with_its_category(world, rules, catalogue):
    record = record_for(world, catalogue)
    sign_off_all(record, except_=(record.item("Clinical project: dose audit"),))
    sufficient_assessment(world, record.traineeship)
    signed_review(world, record.traineeship)
    assert _unmet(record.traineeship) == {
        "total_ec": "108 of 120 EC signed off.",
        "ec_clinical_project": "0 of at least 10 EC signed off.",
    }


def test_an_insufficient_assessment_is_named(world, rules, catalogue):
    record = record_for(world, catalogue)
    sign_off_all(record)
    sufficient_assessment(world, record.traineeship, artefact=4, process=2)
    signed_review(world, record.traineeship)
    assert _unmet(record.traineeship) == {"design_assessment": "The assessment is not sufficient."}


def test_an_unsatisfactory_last_review_is_named_with_its_outcome_and_date(world, rules, catalogue):
    record = record_for(world, catalogue)
    sign_off_all(record)
    sufficient_assessment(world, record.traineeship)
    signed_review(world, record.traineeship, outcome="incomplete_evidence")
    assert _unmet(record.traineeship) == {
        "last_review": f"Incomplete evidence ({timezone.localdate().isoformat()})."
    }


def test_the_last_signed_review_counts_not_an_earlier_one(world, rules, catalogue):
    from qme.feedback import services as feedback
    from qme.feedback.models import ReviewKind
    from tests.reviews.helpers import record as record_review
    from tests.reviews.helpers import sign_by_all

    record = record_for(world, catalogue)
    sign_off_all(record)
    sufficient_assessment(world, record.traineeship)
    feedback.schedule_reviews(record.traineeship)
    first, second = record.traineeship.reviews.filter(kind=ReviewKind.PROGRESS).order_by("due_on")[
        :2
    ]
    today = timezone.localdate()
    sign_by_all(world, record_review(first, world.university_supervisor, held_on=today))
    earlier = today - dt.timedelta(days=30)
    sign_by_all(
        world,
        record_review(second, world.university_supervisor, held_on=earlier, outcome="extra_time"),
    )
    assert _unmet(record.traineeship) == {}
    # A review that is recorded but not yet signed by all does not count yet.
    third = record.traineeship.reviews.filter(kind=ReviewKind.PROGRESS).order_by("due_on")[2]
    record_review(third, world.university_supervisor, held_on=today, outcome="extra_time")
    assert _unmet(record.traineeship) == {}


def _held_and_signed(world, review, **fields):
    from tests.reviews.helpers import record as record_review
    from tests.reviews.helpers import sign_by_all

    return sign_by_all(world, record_review(review, world.university_supervisor, **fields))


def test_a_later_go_no_go_review_does_not_hide_the_last_progress_review(world, rules, catalogue):
    """The go/no-go review has no outcome of its own; held after the last progress review, it
    must not make the check read an empty outcome as "not satisfactory"."""
    from tests.reviews.helpers import first_progress, go_no_go

    record = record_for(world, catalogue)
    sign_off_all(record)
    sufficient_assessment(world, record.traineeship)
    today = timezone.localdate()
    earlier = today - dt.timedelta(days=30)
    _held_and_signed(world, first_progress(record.traineeship), held_on=earlier)
    _held_and_signed(world, go_no_go(record.traineeship), held_on=today, continue_training=True)
    assert _unmet(record.traineeship) == {}
    assert _check(record.traineeship)["last_review"] == (
        True,
        f"Satisfactory ({earlier.isoformat()}).",
    )


def test_a_go_no_go_review_alone_is_no_progress_review(world, rules, catalogue):
    from tests.reviews.helpers import go_no_go

    record = record_for(world, catalogue)
    sign_off_all(record)
    sufficient_assessment(world, record.traineeship)
    _held_and_signed(
        world, go_no_go(record.traineeship), held_on=timezone.localdate(), continue_training=True
    )
    assert _unmet(record.traineeship) == {"last_review": "No signed progress review yet."}


def test_an_unsatisfactory_progress_review_after_the_go_counts(world, rules, catalogue):
    from qme.feedback.models import ReviewKind
    from tests.reviews.helpers import go_no_go

    record = record_for(world, catalogue)
    sign_off_all(record)
    sufficient_assessment(world, record.traineeship)
    today = timezone.localdate()
    _held_and_signed(
        world,
        go_no_go(record.traineeship),
        held_on=today - dt.timedelta(days=30),
        continue_training=True,
    )
    last = record.traineeship.reviews.filter(kind=ReviewKind.PROGRESS).order_by("due_on").last()
    _held_and_signed(world, last, held_on=today, outcome="extra_time")
    assert _unmet(record.traineeship) == {
        "last_review": f"Extra time needed ({today.isoformat()})."
    }


@pytest.mark.parametrize(
    "persona", ["trainee_a", "university_supervisor", "supervisor_a", "office"]
)
def test_the_trainee_and_the_supervisors_see_the_check_all_along(
    world, rules, catalogue, client_for, persona
):
    record = record_for(world, catalogue)
    client = client_for(getattr(world, persona))
    response = client.get(f"/graduation/requirements/{record.traineeship.pk}/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Medical device regulation" in text
    assert "0 of 120 EC" in text
    answer = api(client, "get", f"traineeships/{record.traineeship.pk}/requirements")
    assert answer.status_code == 200
    assert {row["key"]: row["met"] for row in answer.json()}["total_ec"] is False
    assert len(answer.json()) == 9


@pytest.mark.parametrize("persona", ["coordinator_b", "applicant"])
def test_others_do_not_see_the_check(world, rules, catalogue, client_for, persona):
    record = record_for(world, catalogue)
    client = client_for(getattr(world, persona))
    assert client.get(f"/graduation/requirements/{record.traineeship.pk}/").status_code == 404
    answer = api(client, "get", f"traineeships/{record.traineeship.pk}/requirements")
    assert answer.status_code == 404


def test_the_office_is_offered_the_proposal_only_once_the_check_passes(
    world, rules, catalogue, client_for
):
    record = record_for(world, catalogue)
    client = client_for(world.office)
    page = client.get(f"/graduation/requirements/{record.traineeship.pk}/").content.decode()
    assert f"/graduation/propose/{record.traineeship.pk}/" not in page
    sign_off_all(record)
    sufficient_assessment(world, record.traineeship)
    signed_review(world, record.traineeship)
    page = client.get(f"/graduation/requirements/{record.traineeship.pk}/").content.decode()
    assert f"/graduation/propose/{record.traineeship.pk}/" in page
    trainee_page = client_for(world.trainee_a).get(
        f"/graduation/requirements/{record.traineeship.pk}/"
    )
    assert f"/graduation/propose/{record.traineeship.pk}/" not in trainee_page.content.decode()
