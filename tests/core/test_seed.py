"""`qme seed` loads the demo data and can run again without changing anything; `--scale
national` builds the large synthetic data set for benchmarks, once."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from qme.accounts.models import User
from qme.core.seeding import DEMO_LOGINS
from qme.feedback.models import Feedback
from qme.organisations.models import Department, Organisation, Role, RoleKind
from qme.reports import cache as reports_cache
from qme.selection.models import Application


def counts() -> dict[str, int]:
    return {
        "organisations": Organisation.objects.count(),
        "departments": Department.objects.count(),
        "people": User.objects.count(),
        "roles": Role.objects.count(),
    }


def test_it_loads_the_demo_and_is_idempotent(db):
    figures = []
    reports_cache.remember("seed-test", [], "", lambda: figures.append(1) or len(figures))
    call_command("seed")
    # What was written in bulk passed no signal: cached report figures are computed afresh.
    assert reports_cache.remember("seed-test", [], "", lambda: figures.append(1) or 2) == 2
    first = counts()
    assert Organisation.objects.universities().count() == 4
    for login in DEMO_LOGINS:
        assert User.objects.filter(email=login.email).exists(), login.email
    call_command("seed")
    assert counts() == first


def test_it_gives_every_role_a_demo_sign_in(db):
    call_command("seed")
    held = set(
        Role.objects.filter(user__email__in=[login.email for login in DEMO_LOGINS]).values_list(
            "kind", flat=True
        )
    )
    assert held == set(RoleKind.values)


@pytest.fixture
def signing_keys(settings, tmp_path):
    settings.QME_SIGNING_KEY_DIR = tmp_path / "keys"
    return settings.QME_SIGNING_KEY_DIR


def graduation_counts() -> dict[str, int]:
    from qme.graduation.models import BoardVote, Diploma, GraduationCase

    return {
        "diplomas": Diploma.objects.count(),
        "cases": GraduationCase.objects.count(),
        "votes": BoardVote.objects.count(),
    }


#: The national data set's shape with fewer rows, so that the test stays quick; the benchmark
#: (bench/) seeds the full size. Its 5,200 people are fixed; the applications and feedback entries
#: are about these numbers (each position gets at least one application and each of the about
#: 2,500 trainees at least two entries).
APPLICATIONS, FEEDBACK = 1000, 5000
SMALL = ("--graduates", "12", "--applications", str(APPLICATIONS), "--feedback", str(FEEDBACK))


def test_it_refuses_negative_sizes(db):
    with pytest.raises(CommandError, match="cannot be negative"):
        call_command("seed", "--scale", "national", "--feedback", "-1")


@pytest.mark.django_db(transaction=False)
def test_it_builds_the_national_data_set_only_once(signing_keys):
    call_command("seed", "--scale", "national", *SMALL)
    first = counts()
    graduates = graduation_counts()
    assert Organisation.objects.care_providers().count() >= 60
    assert first["people"] >= 5000
    assert Role.objects.filter(user__email__endswith="@national.qme.example").count() >= 5000
    assert APPLICATIONS <= Application.objects.count() <= APPLICATIONS + 500
    assert FEEDBACK <= Feedback.objects.count() <= FEEDBACK + 5000
    call_command("seed", "--scale", "national", *SMALL)
    assert counts() == first
    assert graduation_counts() == graduates


@pytest.mark.django_db(transaction=False)
def test_national_graduates_have_completed_records_and_signed_diplomas(signing_keys):
    """The demo has graduates and one revoked (and reissued) diploma. National graduates each
    have a completed traineeship whose requirements check passes, a granted decision with the
    board's votes and a diploma that verifies; a few are revoked. Twice the same number creates
    nothing new; a larger number adds only the difference."""
    from qme.graduation import issuing, services
    from qme.graduation.models import CaseStatus, Diploma
    from qme.graduation.seeding import seed_national_graduates
    from qme.training.models import TraineeshipStatus

    call_command("seed")
    demo = list(Diploma.objects.select_related("traineeship"))
    outcomes = sorted(issuing.verify_diploma(d.credential).outcome for d in demo)
    assert outcomes.count("REVOKED") == 1
    assert outcomes.count("VALID") >= 2
    assert Diploma.objects.get(revoked_at__isnull=False).replaced_by is not None
    assert all(d.traineeship.status == TraineeshipStatus.COMPLETED for d in demo)
    for diploma in demo:  # complete records: the check passes, the supplement lists components
        checks = services.requirements_check(diploma.traineeship)
        assert services.check_passes(checks), [c for c in checks if not c.met]

    before = Diploma.objects.count()
    assert seed_national_graduates(9) == 9
    diplomas = list(
        Diploma.objects.filter(traineeship__trainee__email__endswith="@national.qme.example")
        .select_related("traineeship__trainee", "case")
        .order_by("traineeship__trainee__email")
    )
    assert len(diplomas) == 9
    assert len({d.number for d in diplomas}) == 9
    assert len({d.status_index for d in diplomas}) == 9
    outcomes = [issuing.verify_diploma(d.credential).outcome for d in diplomas]
    assert outcomes.count("REVOKED") == 1, outcomes  # graduate00007
    assert outcomes.count("VALID") == 8, outcomes
    assert diplomas[7].revoked_at is not None
    for diploma in diplomas:
        traineeship = diploma.traineeship
        assert traineeship.status == TraineeshipStatus.COMPLETED
        assert diploma.case.status == CaseStatus.GRANTED
        assert diploma.case.votes.count() >= 1
        assert diploma.credential["credentialSubject"]["identifier"][0]["identityHash"] == (
            traineeship.trainee.full_name
        )
        assert diploma.credential["validFrom"].startswith(str(diploma.issued_at.year))
    checks = services.requirements_check(diplomas[0].traineeship)
    assert services.check_passes(checks), [c for c in checks if not c.met]
    assert seed_national_graduates(9) == 0
    assert seed_national_graduates(11) == 2
    assert Diploma.objects.count() == before + 11
