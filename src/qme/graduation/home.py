"""What needs action about trainees and graduation, on the home pages of the programme office,
the hospital coordinators and the examination board. Every function runs a fixed number of
queries, whatever the number of trainees, records, reviews or cases.

Definitions:

- A trainee **at risk** is one whose traineeship has started and is active, extended or on leave,
  with at least one of these reasons:

  * *overdue feedback*: the university or the hospital has given no feedback for longer than the
    programme's interval (the cadence of ``feedback.services.overdue_q``, as on the trainee's
    page; not counted during leave);
  * *late plan items*: items of the approved training plan whose planned end has passed and
    that are not signed off (an unapproved plan commits nobody, so only the approved one
    counts);
  * *review outcome*: the last review that was held (recorded, signed or not yet) has an
    outcome other than satisfactory;
  * *end date close*: the expected end is within ``END_WINDOW_DAYS`` (or has passed), the
    requirements check does not pass, and the trainee has not been proposed for graduation.

  Most urgent first: the most reasons, then the earliest expected end.

- The **requirements check** of the diploma (``graduation.services.requirements_check``) costs
  several queries per trainee. Here it is computed for many trainees at once by
  ``requirements_unmet``, in a fixed number of queries, following the same rules (tests compare
  the two). It is computed only for the trainees *near or past their expected end*: those whose
  expected end is within ``END_WINDOW_DAYS`` or has passed. That bounds the work.

- **Graduations to propose**: traineeships near or past their expected end (as above), not ended,
  whose requirements check passes and that have no graduation case yet. A trainee who meets
  every requirement long before the expected end is not listed; the office finds them on the
  trainee's requirements page.

- The trainees at risk and the requirements check near the end read every ongoing trainee:
  their results are kept in the versioned cache of ``qme.reports.cache`` per scope (everyone, or
  a coordinator's hospitals), language and day, until a row of a model in ``READS`` is saved or
  deleted (for at most ten minutes); the shown rows are read fresh.

- The board's **decisions waiting**: cases proposed to the board on which this member has not
  voted; and proposed cases with enough votes to close the decision (at least two, or every
  member of a smaller board), which any member closes.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from qme.accounts.models import User
from qme.feedback import home as feedback_home
from qme.feedback import services as feedback_services
from qme.feedback.models import (
    Assessment,
    Feedback,
    Outcome,
    ProgrammeSettings,
    Review,
    ReviewKind,
)
from qme.organisations import roles
from qme.organisations.home import (
    FIRST_N,
    ActionGroup,
    ActionItem,
    HomeSection,
    action_section,
    group,
    listed,
)
from qme.organisations.models import Role, RoleKind
from qme.reports import cache as versioned
from qme.training import home as training_home
from qme.training import selectors
from qme.training.models import (
    Curriculum,
    ItemKind,
    ItemRecord,
    PlanItem,
    PlanStatus,
    RecordStatus,
    Traineeship,
    TraineeshipStatus,
    TrainingPlan,
)

from .models import BoardVote, CaseStatus, GraduationCase

#: "An end date coming close": within about three months.
END_WINDOW_DAYS = 92

ONGOING = [TraineeshipStatus.ACTIVE, TraineeshipStatus.EXTENDED, TraineeshipStatus.ON_LEAVE]
GIVING_FEEDBACK = [TraineeshipStatus.ACTIVE, TraineeshipStatus.EXTENDED]

#: What the trainees at risk and the requirements check near the end are computed from.
READS = (
    Traineeship,
    Feedback,
    Review,
    TrainingPlan,
    PlanItem,
    ItemRecord,
    Assessment,
    GraduationCase,
    Curriculum,
    ProgrammeSettings,
    User,
)


def _scope(hospital_ids: frozenset[int] | None) -> list[int] | None:
    return None if hospital_ids is None else sorted(hospital_ids)


# --- The requirements check for many trainees at once ---


def requirements_unmet(traineeships: list[Traineeship]) -> dict[int, int]:
    """For each traineeship, how many requirements of the diploma are not met yet (0: the check
    passes). The rules of ``graduation.services.requirements_check``, in seven queries for any
    number of traineeships."""
    ids = [t.pk for t in traineeships]
    if not ids:
        return {}
    # The plan the progress counts: the newest approved version, else the open one.
    approved: dict[int, int] = {}
    open_: dict[int, int] = {}
    for plan_id, traineeship_id, status in (
        TrainingPlan.objects.filter(
            traineeship_id__in=ids,
            status__in=[PlanStatus.APPROVED, PlanStatus.DRAFT, PlanStatus.SUBMITTED],
        )
        .order_by("traineeship_id", "-version")
        .values_list("pk", "traineeship_id", "status")
    ):
        target = approved if status == PlanStatus.APPROVED else open_
        target.setdefault(traineeship_id, plan_id)
    plan_of = {t: approved.get(t) or open_.get(t) for t in ids}
    items: dict[int, list[tuple[str, Decimal, object, int | None]]] = defaultdict(list)
    traineeship_of_plan = {plan: t for t, plan in plan_of.items() if plan}
    for plan_id, kind, ec, key, catalogue_item_id in PlanItem.objects.filter(
        plan_id__in=list(traineeship_of_plan)
    ).values_list("plan_id", "kind", "ec", "key", "catalogue_item_id"):
        items[traineeship_of_plan[plan_id]].append((kind, ec, key, catalogue_item_id))
    signed: dict[int, set] = defaultdict(set)
    waiting: set[int] = set()
    for traineeship_id, key, status in ItemRecord.objects.filter(
        traineeship_id__in=ids
    ).values_list("traineeship_id", "item_key", "status"):
        if status == RecordStatus.SIGNED_OFF:
            signed[traineeship_id].add(key)
        elif status == RecordStatus.RECORDED:
            waiting.add(traineeship_id)
    curriculum_ids = {t.curriculum_id for t in traineeships if t.curriculum_id}
    curricula = {c.pk: c for c in Curriculum.objects.filter(pk__in=curriculum_ids)}
    mandatory: dict[int, set[int]] = defaultdict(set)
    for curriculum_id, item_id in Curriculum.mandatory.through.objects.filter(
        curriculum_id__in=curriculum_ids
    ).values_list("curriculum_id", "catalogueitem_id"):
        mandatory[curriculum_id].add(item_id)
    sufficient = {
        a.traineeship_id
        for a in Assessment.objects.filter(traineeship_id__in=ids, agreed_at__isnull=False).only(
            "traineeship_id", "agreed_at", "artefact_grade", "process_grade"
        )
        if a.is_sufficient
    }
    last_outcome: dict[int, str] = {}
    for traineeship_id, outcome in (
        Review.objects.filter(
            traineeship_id__in=ids,
            kind=ReviewKind.PROGRESS,
            held_on__isnull=False,
            trainee_signed_at__isnull=False,
            university_signed_at__isnull=False,
            hospital_signed_at__isnull=False,
        )
        .order_by("traineeship_id", "-held_on", "-due_on", "-pk")
        .values_list("traineeship_id", "outcome")
    ):
        last_outcome.setdefault(traineeship_id, outcome)
    unmet: dict[int, int] = {}
    for traineeship in traineeships:
        t = traineeship.pk
        curriculum = curricula.get(traineeship.curriculum_id)
        earned: dict[str, Decimal] = defaultdict(Decimal)
        signed_catalogue = set()
        for kind, ec, key, catalogue_item_id in items[t]:
            if key in signed[t]:
                earned[kind] += ec
                if catalogue_item_id:
                    signed_catalogue.add(catalogue_item_id)
        required = Decimal(curriculum.total_ec) if curriculum else Decimal(120)
        missing = int(sum(earned.values(), Decimal(0)) < required)
        if curriculum is not None:
            for kind in ItemKind.values:
                minimum = Decimal(curriculum.minimum_for(kind))
                if minimum and earned[kind] < minimum:
                    missing += 1
            missing += len(mandatory[curriculum.pk] - signed_catalogue)
        missing += int(t not in sufficient)
        missing += int(last_outcome.get(t) != Outcome.SATISFACTORY)
        missing += int(t in waiting)
        unmet[t] = missing
    return unmet


def _near_end(extra: Q | None = None) -> list[Traineeship]:
    """Ongoing traineeships whose expected end is within the window or past, and that have no
    graduation case proposed or granted."""
    cutoff = timezone.localdate() + dt.timedelta(days=END_WINDOW_DAYS)
    qs = Traineeship.objects.filter(
        status__in=ONGOING, expected_end_date__lte=cutoff, start_date__lte=timezone.localdate()
    ).exclude(graduation_cases__status__in=[CaseStatus.PROPOSED, CaseStatus.GRANTED])
    if extra is not None:
        qs = qs.filter(extra)
    return list(
        qs.annotate(
            case_count=Count("graduation_cases"),
        ).only("pk", "curriculum_id", "expected_end_date")
    )


# --- Trainees at risk ---


NearEnd = tuple[list[Traineeship], dict[int, int]]


def near_end_checked(hospital_ids: frozenset[int] | None = None) -> NearEnd:
    """The traineeships near or past their end (see ``_near_end``) with the number of their
    unmet requirements."""

    def compute() -> NearEnd:
        near_end = _near_end(None if hospital_ids is None else Q(hospital_id__in=hospital_ids))
        return near_end, requirements_unmet(near_end)

    return versioned.remember("home:near-end", READS, _scope(hospital_ids), compute)


def _risk_scan(
    hospital_ids: frozenset[int] | None, failing_near_end: set[int], settings: ProgrammeSettings
) -> tuple[dict[int, tuple[bool, bool, bool, bool]], list[tuple]]:
    """Every ongoing trainee in scope with a reason to be at risk: their flags by traineeship
    and their sort keys (most reasons first, then the earliest expected end)."""
    today = timezone.localdate()
    scope = Q() if hospital_ids is None else Q(hospital_id__in=hospital_ids)
    ongoing = feedback_services.with_cadence(
        Traineeship.objects.filter(scope, status__in=ONGOING, start_date__lte=today)
    ).annotate(last_outcome=_last_outcome())
    bad_outcomes = {o for o in Outcome.values if o != Outcome.SATISFACTORY}
    overdue = feedback_services.overdue_check(settings)
    flagged: dict[int, tuple[bool, bool, bool, bool]] = {}
    order: list[tuple] = []
    for row in ongoing.values(
        "pk",
        "status",
        "start_date",
        "next_due_on",
        "last_university_feedback",
        "last_hospital_feedback",
        "last_outcome",
        "expected_end_date",
        "trainee__full_name",
    ).order_by():
        flags = (
            row["status"] in GIVING_FEEDBACK
            and overdue(
                row["start_date"], row["last_university_feedback"], row["last_hospital_feedback"]
            ),
            row["next_due_on"] is not None and row["next_due_on"] < today,
            row["last_outcome"] in bad_outcomes,
            row["pk"] in failing_near_end,
        )
        if any(flags):
            flagged[row["pk"]] = flags
            order.append(
                (-sum(flags), row["expected_end_date"], row["trainee__full_name"], row["pk"])
            )
    return flagged, order


def _last_outcome() -> Subquery:
    return Subquery(
        Review.objects.filter(traineeship=OuterRef("pk"), held_on__isnull=False)
        .order_by("-held_on", "-due_on", "-pk")
        .values("outcome")[:1]
    )


def at_risk(
    hospital_ids: frozenset[int] | None = None, near: NearEnd | None = None
) -> tuple[int, list[Traineeship]]:
    """The number of trainees at risk and the most urgent ones, each with `.risk_reasons` (in
    the current language). `hospital_ids` limits them to those hospitals (None: everyone).

    Two queries whatever the number of trainees: the first (``_risk_scan``, kept in the
    versioned cache) reads, for every ongoing trainee in scope, only what the four risks need —
    the last feedback per side and the last review outcome (each one index probe per trainee,
    read once), and the next due plan item (a column kept by the training services) — and ranks
    them here; the second reads the shown ones with their names and the number of late items."""
    today = timezone.localdate()
    settings = ProgrammeSettings.current()
    near_end, unmet = near if near is not None else near_end_checked(hospital_ids)
    flagged, order = versioned.remember(
        "home:at-risk",
        READS,
        _scope(hospital_ids),
        lambda: _risk_scan(hospital_ids, {t.pk for t in near_end if unmet[t.pk]}, settings),
    )
    shown = [key[-1] for key in sorted(order)[:FIRST_N]]
    late_items = (
        selectors.open_items()
        .filter(planned_end__lt=today)
        .order_by()
        .values("plan__traineeship")
        .annotate(n=Count("pk"))
        .values("n")
    )
    by_pk = {
        t.pk: t
        for t in feedback_services.with_cadence(Traineeship.objects.filter(pk__in=shown))
        .annotate(
            late_items=Coalesce(Subquery(late_items, output_field=IntegerField()), Value(0)),
            last_outcome=_last_outcome(),
        )
        .select_related("trainee", "hospital")
    }
    rows = [by_pk[pk] for pk in shown if pk in by_pk]
    for t in rows:
        t.is_overdue, t.is_late, t.is_bad_review, t.is_ending = flagged[t.pk]
    count = len(order)
    for t in rows:
        reasons = []
        if t.is_overdue:
            cadence = feedback_services.cadence_of(t, settings)
            sides = []
            if cadence["university_overdue"]:
                sides.append(_("university {n} days").format(n=cadence["university_days"]))
            if cadence["hospital_overdue"]:
                sides.append(_("hospital {n} days").format(n=cadence["hospital_days"]))
            reasons.append(_("no feedback: {sides}").format(sides=", ".join(sides)))
        if t.is_late:
            reasons.append(
                ngettext("{n} plan item late", "{n} plan items late", t.late_items).format(
                    n=t.late_items
                )
            )
        if t.is_bad_review:
            reasons.append(
                _("review: {outcome}").format(outcome=Outcome(t.last_outcome).label.lower())
            )
        if t.is_ending:
            n = unmet.get(t.pk, 0)
            reasons.append(
                ngettext(
                    "expected end {date}, {n} requirement not met",
                    "expected end {date}, {n} requirements not met",
                    n,
                ).format(date=date_format(t.expected_end_date, "SHORT_DATE_FORMAT"), n=n)
            )
        t.risk_reasons = reasons
    return count, rows


def _at_risk_group(
    hospital_ids: frozenset[int] | None, near: NearEnd | None = None, all_url: str = ""
) -> ActionGroup:
    count, rows = at_risk(hospital_ids, near)
    return group(
        key="at_risk",
        title=_("Trainees at risk"),
        count=count,
        items=lambda: [
            ActionItem(
                label=t.trainee.full_name,
                url=reverse("training:detail", args=[t.pk]),
                meta=t.hospital.name,
                reasons=t.risk_reasons,
            )
            for t in rows
        ],
        all_url=all_url,
    )


# --- Graduations to propose ---


def to_propose(near: NearEnd | None = None) -> tuple[int, list[Traineeship]]:
    """Traineeships near or past their end whose requirements check passes and that have no
    graduation case yet; the earliest expected end first."""
    near_end, unmet = near if near is not None else near_end_checked()
    passing = [t.pk for t in near_end if t.case_count == 0 and unmet[t.pk] == 0]
    if not passing:
        return 0, []
    rows = list(
        Traineeship.objects.filter(pk__in=passing)
        .select_related("trainee", "hospital")
        .order_by("expected_end_date", "trainee__full_name", "pk")[:FIRST_N]
    )
    return len(passing), rows


def office_section(user: User, extra_groups: list[ActionGroup] = ()) -> HomeSection:
    near = near_end_checked()
    count, rows = to_propose(near)
    proposals = group(
        key="to_propose",
        title=_("Graduations to propose"),
        count=count,
        items=lambda: [
            ActionItem(
                label=_("Propose {name}").format(name=t.trainee.full_name),
                url=reverse("graduation:requirements", args=[t.pk]),
                meta=_("{hospital} · every requirement met · expected end {date}").format(
                    hospital=t.hospital.name,
                    date=date_format(t.expected_end_date, "SHORT_DATE_FORMAT"),
                ),
            )
            for t in rows
        ],
    )
    return action_section(
        "trainees_office",
        _("Trainees and graduation"),
        [_at_risk_group(None, near), proposals, *extra_groups],
        empty=_("No trainee is at risk and nobody is ready to be proposed for graduation."),
    )


def coordinator_section(user: User) -> HomeSection | None:
    hospital_ids = roles.organisation_ids(user, RoleKind.HOSPITAL_COORDINATOR)
    if not hospital_ids:
        return None
    all_url = reverse("training:list")
    if len(hospital_ids) == 1:
        all_url += f"?hospital={next(iter(hospital_ids))}"
    return action_section(
        "trainees_coordinator",
        _("Your hospital's trainees"),
        [_at_risk_group(hospital_ids)],
        empty=_("None of your hospital's trainees is at risk."),
        footer=(_("All trainees of your hospital"), all_url),
    )


# --- The trainee ---


def trainee_section(user: User) -> HomeSection | None:
    """The trainee's training section, with how many requirements of the diploma are still open
    and the reviews that wait for them."""
    section = training_home.trainee_section(user)
    if section is None:
        return None
    traineeship = section.context["traineeship"]
    section.context["requirements_unmet"] = versioned.remember(
        "home:trainee-unmet",
        READS,
        traineeship.pk,
        lambda: requirements_unmet([traineeship])[traineeship.pk],
    )
    section.context["groups"] = [g for g in feedback_home.trainee_groups(traineeship) if g.count]
    return section


# --- The examination board ---


def board_section(user: User) -> HomeSection:
    mine = BoardVote.objects.filter(case=OuterRef("pk"), member=user)
    open_cases = GraduationCase.objects.filter(status=CaseStatus.PROPOSED)
    to_vote = (
        open_cases.filter(~Exists(mine))
        .select_related("traineeship__trainee", "traineeship__hospital")
        .order_by("proposed_at", "pk")
    )
    board_size = (
        Role.objects.current()
        .filter(kind=RoleKind.EXAMINATION_BOARD, user__is_active=True)
        .values("user_id")
        .distinct()
        .count()
    )
    needed = min(2, board_size or 1)
    ready = (
        open_cases.filter(Exists(mine))
        .annotate(vote_count=Count("votes"))
        .filter(vote_count__gte=needed)
        .select_related("traineeship__trainee", "traineeship__hospital")
        .order_by("proposed_at", "pk")
    )

    def item(case: GraduationCase, label: str) -> ActionItem:
        return ActionItem(
            label=label.format(name=case.traineeship.trainee.full_name),
            url=reverse("graduation:case", args=[case.pk]),
            meta=_("{hospital} · proposed {date}").format(
                hospital=case.traineeship.hospital.name,
                date=date_format(timezone.localtime(case.proposed_at), "SHORT_DATE_FORMAT"),
            ),
        )

    return action_section(
        "board",
        _("Examination board"),
        [
            listed(
                key="to_vote",
                title=_("Waiting for your vote"),
                qs=to_vote,
                to_item=lambda c: item(c, _("Vote on the graduation of {name}")),
                all_url=reverse("graduation:cases"),
            ),
            listed(
                key="to_decide",
                title=_("Ready for the decision"),
                qs=ready,
                to_item=lambda c: item(c, _("Close the decision on {name}")),
                all_url=reverse("graduation:cases"),
            ),
        ],
        empty=_("No graduation waits for the board."),
        footer=(_("All graduation cases"), reverse("graduation:cases")),
    )
