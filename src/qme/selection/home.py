"""What needs the action of an applicant, a committee member, the programme office or a hospital
coordinator in selection. Every function runs a fixed number of queries, whatever the number of
positions, applications, score sheets or offers.

Definitions:

- A position **without a committee**: not yet published, open or in selection, and without a
  chair from the university or from the hospital (a decision needs both; a position with no
  member at all says so).
- A **procedure that stalls** is a position in selection with one of these:

  * *nothing scored*: ``STALL_DAYS`` days after the applications closed, candidates wait for
    screening and no committee member has submitted a single score sheet for the position;
  * *approval waiting*: a proposed decision still lacks a chair's approval ``APPROVAL_DAYS``
    days after it was proposed;
  * *offer lapsed*: the last offer expired or was declined and no other offer is pending or
    accepted, so the chairs or the office must offer the position to the next reserve (or
    start again).

- A committee member's **candidates to score**: candidates of the positions where they sit
  who can be scored in a stage now (screening: submitted, shortlisted or invited; interview:
  invited to interview), for whom they have not submitted that stage's sheet and declared no
  conflict of interest. The oldest application first.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qme.accounts.models import User
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
from qme.organisations.models import RoleKind
from qme.positions.models import Position, PositionStatus

from .models import (
    Application,
    ApplicationStatus,
    CommitteeMember,
    ConflictOfInterest,
    Decision,
    DecisionStatus,
    Offer,
    OfferStatus,
    ScoreSheet,
    Side,
    Stage,
    StageKind,
)
from .services import SCOREABLE

SCREENING_STATUSES = list(SCOREABLE["screening"])
#: Days after the applications closed before a procedure with nothing scored stalls.
STALL_DAYS = 14
#: Days a proposed decision may wait for a chair's approval.
APPROVAL_DAYS = 7


def applicant_section(user: User) -> HomeSection | None:
    applications = list(
        Application.objects.filter(applicant=user)
        .select_related("position__hospital")
        .prefetch_related("offers")
        .order_by("-updated_at")[:10]
    )
    if not applications:
        return None
    return HomeSection(
        kind="applications",
        title=str(gettext_lazy("Your applications")),
        template="home/applications.html",
        context={"applications": applications},
    )


# --- Committee members ---


def _to_score(seats: list[CommitteeMember]):
    """Applications the holder of these committee seats can score now, annotated with the stage
    to score.

    Their sheets and conflicts are found by the seats' ids rather than by a join with every seat
    of the person for each candidate: a member of many committees would otherwise cost a scan
    of all their seats per candidate."""
    seat_ids = [seat.pk for seat in seats]
    my_sheet = ScoreSheet.objects.filter(
        application=OuterRef("pk"), member_id__in=seat_ids, submitted_at__isnull=False
    )
    my_conflict = ConflictOfInterest.objects.filter(
        application=OuterRef("pk"), member_id__in=seat_ids
    )

    def stage(kind: str):
        return Subquery(
            Stage.objects.filter(position=OuterRef("position"), kind=kind).values("pk")[:1]
        )

    screening = Q(status__in=SCREENING_STATUSES) & ~Exists(
        my_sheet.filter(stage__kind=StageKind.SCREENING)
    )
    interview = Q(status=ApplicationStatus.INTERVIEW) & ~Exists(
        my_sheet.filter(stage__kind=StageKind.INTERVIEW)
    )
    base = (
        Application.objects.filter(position_id__in=[seat.position_id for seat in seats])
        .filter(screening | interview)
        .filter(~Exists(my_conflict))
    )
    return base, base.annotate(
        screening_stage=stage(StageKind.SCREENING),
        interview_stage=stage(StageKind.INTERVIEW),
        screening_done=Exists(my_sheet.filter(stage__kind=StageKind.SCREENING)),
    )


def committee_section(user: User) -> HomeSection | None:
    seats = list(
        CommitteeMember.objects.filter(user=user)
        .select_related("position__hospital")
        .order_by("position__application_deadline", "position_id")
    )
    if not seats:
        return None
    to_score, annotated = _to_score(seats)
    per_position = dict(
        to_score.order_by().values_list("position_id").annotate(n=Count("pk", distinct=True))
    )
    count = sum(per_position.values())

    def candidates() -> list[ActionItem]:
        items = []
        for application in annotated.select_related("applicant", "position").order_by(
            "submitted_at", "pk"
        )[:FIRST_N]:
            in_interview = application.screening_done and application.interview_stage
            stage_pk = application.interview_stage if in_interview else application.screening_stage
            items.append(
                ActionItem(
                    label=_("Score {name}").format(name=application.applicant.full_name),
                    # The candidate's page holds the member's score form of each stage.
                    url=reverse("selection:candidate", args=[application.pk])
                    + (f"#stage-{stage_pk}" if stage_pk else ""),
                    meta="{} · {}".format(
                        application.position.title_en,
                        _("interview") if in_interview else _("screening"),
                    ),
                )
            )
        return items

    chair_sides = {s.position_id: s.side for s in seats if s.is_chair}
    waiting = (
        []
        if not chair_sides
        else Decision.objects.filter(
            position_id__in=list(chair_sides), status=DecisionStatus.PROPOSED
        )
        .filter(Q(university_approved_at__isnull=True) | Q(hospital_approved_at__isnull=True))
        .select_related("position", "candidate__applicant")
        .order_by("proposed_at")
    )
    awaiting_me = [
        d
        for d in waiting
        if (chair_sides[d.position_id] == Side.UNIVERSITY and d.university_approved_at is None)
        or (chair_sides[d.position_id] == Side.HOSPITAL and d.hospital_approved_at is None)
    ]
    section = action_section(
        "committee",
        str(gettext_lazy("Selection committees")),
        [
            group(
                key="to_score",
                title=_("Candidates to score"),
                count=count,
                items=candidates,
                all_url=reverse("selection:procedures"),
            ),
            group(
                key="decisions",
                title=_("Decisions awaiting your approval"),
                count=len(awaiting_me),
                items=lambda: [
                    ActionItem(
                        label=_("Approve or block the offer to {name}").format(
                            name=d.candidate.applicant.full_name
                        ),
                        url=reverse("selection:decision", args=[d.position_id]),
                        meta=_("{position} · proposed {date}").format(
                            position=d.position.title_en,
                            date=date_format(
                                timezone.localtime(d.proposed_at), "SHORT_DATE_FORMAT"
                            ),
                        ),
                    )
                    for d in awaiting_me[:FIRST_N]
                ],
            ),
        ],
        empty=_("No candidate waits for your scores."),
    )
    section.template = "home/committee.html"
    in_procedure = [
        seat
        for seat in seats
        if seat.position.status
        in (PositionStatus.DRAFT, PositionStatus.OPEN, PositionStatus.SELECTION)
    ]
    section.context["seats"] = [
        (seat, per_position.get(seat.position_id, 0)) for seat in in_procedure[:FIRST_N]
    ]
    return section


# --- The programme office and the hospital coordinators ---


def _without_committee(hospital_ids: frozenset[int] | None):
    chair = CommitteeMember.objects.filter(position=OuterRef("pk"), is_chair=True)
    qs = Position.objects.filter(
        status__in=[PositionStatus.DRAFT, PositionStatus.OPEN, PositionStatus.SELECTION]
    )
    if hospital_ids is not None:
        qs = qs.filter(hospital_id__in=hospital_ids)
    return (
        qs.annotate(
            has_members=Exists(CommitteeMember.objects.filter(position=OuterRef("pk"))),
            university_chair=Exists(chair.filter(side=Side.UNIVERSITY)),
            hospital_chair=Exists(chair.filter(side=Side.HOSPITAL)),
        )
        .filter(Q(university_chair=False) | Q(hospital_chair=False))
        .select_related("hospital")
        .order_by("application_deadline", "pk")
    )


def _stalled(hospital_ids: frozenset[int] | None):
    now = timezone.now()
    waiting = Application.objects.filter(
        position=OuterRef("pk"), status=ApplicationStatus.SUBMITTED
    )
    any_sheet = ScoreSheet.objects.filter(
        application__position=OuterRef("pk"), submitted_at__isnull=False
    )
    slow_approval = Decision.objects.filter(
        position=OuterRef("pk"),
        status=DecisionStatus.PROPOSED,
        proposed_at__lt=now - dt.timedelta(days=APPROVAL_DAYS),
    )
    lapsed = Offer.objects.filter(
        decision__position=OuterRef("pk"),
        decision__status=DecisionStatus.APPROVED,
        status__in=[OfferStatus.EXPIRED, OfferStatus.DECLINED],
    )
    live = Offer.objects.filter(
        decision__position=OuterRef("pk"), status__in=[OfferStatus.PENDING, OfferStatus.ACCEPTED]
    )
    qs = Position.objects.filter(status=PositionStatus.SELECTION)
    if hospital_ids is not None:
        qs = qs.filter(hospital_id__in=hospital_ids)
    return (
        qs.annotate(
            nothing_scored=Q(status_changed_at__lt=now - dt.timedelta(days=STALL_DAYS))
            & Exists(waiting)
            & ~Exists(any_sheet),
            approval_waiting=Exists(slow_approval),
            offer_lapsed=Exists(lapsed) & ~Exists(live),
        )
        .filter(Q(nothing_scored=True) | Q(approval_waiting=True) | Q(offer_lapsed=True))
        .select_related("hospital")
        .order_by("status_changed_at", "pk")
    )


def _stall_reasons(position: Position) -> list[str]:
    reasons = []
    if position.nothing_scored:
        reasons.append(
            _("nothing scored since {date}").format(
                date=date_format(
                    timezone.localtime(position.status_changed_at), "SHORT_DATE_FORMAT"
                )
            )
        )
    if position.approval_waiting:
        reasons.append(_("decision waiting for a chair for over {n} days").format(n=APPROVAL_DAYS))
    if position.offer_lapsed:
        reasons.append(_("offer expired or declined, no next offer"))
    return reasons


def _committee_reasons(position: Position) -> list[str]:
    if not position.has_members:
        return [_("no committee")]
    missing = []
    if not position.university_chair:
        missing.append(_("no chair from the university"))
    if not position.hospital_chair:
        missing.append(_("no chair from the hospital"))
    return missing


def _procedure_groups(hospital_ids: frozenset[int] | None, *, office: bool) -> list[ActionGroup]:
    without = _without_committee(hospital_ids)
    stalled = _stalled(hospital_ids)

    def position_url(position: Position, office_url: str) -> str:
        return office_url if office else reverse("positions:position_detail", args=[position.pk])

    def stalled_item(position: Position) -> ActionItem:
        target = (
            reverse("selection:decision", args=[position.pk])
            if position.approval_waiting or position.offer_lapsed
            else reverse("selection:procedure", args=[position.pk])
        )
        return ActionItem(
            label=position.title_en,
            url=position_url(position, target),
            meta=position.hospital.name,
            reasons=_stall_reasons(position),
        )

    return [
        listed(
            key="without_committee",
            title=_("Positions without a complete committee"),
            qs=without,
            to_item=lambda position: ActionItem(
                label=position.title_en,
                url=position_url(position, reverse("selection:committee", args=[position.pk])),
                meta=f"{position.hospital.name} · {position.get_status_display()}",
                reasons=_committee_reasons(position),
            ),
            all_url=reverse("selection:procedures") if office else "",
        ),
        listed(
            key="stalled",
            title=_("Selection procedures that stall"),
            qs=stalled,
            to_item=stalled_item,
            all_url=reverse("selection:procedures") if office else "",
        ),
    ]


def office_section(user: User) -> HomeSection:
    return action_section(
        "selection_office",
        _("Selection procedures"),
        _procedure_groups(None, office=True),
        empty=_("Every procedure has its committee and is moving."),
    )


def coordinator_section(user: User) -> HomeSection | None:
    hospital_ids = roles.organisation_ids(user, RoleKind.HOSPITAL_COORDINATOR)
    if not hospital_ids:
        return None
    return action_section(
        "selection_coordinator",
        _("Your hospital's selection procedures"),
        _procedure_groups(hospital_ids, office=False),
        empty=_("Every procedure of your hospital has its committee and is moving."),
        intro=_("The programme office forms the committees; the chairs move the procedure on."),
    )
