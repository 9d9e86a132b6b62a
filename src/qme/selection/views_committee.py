"""Pages of the selection committee and the programme office: the procedure of a position, the
committee, blind scoring, moving candidates on, and the decision approved by both chairs."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from qme.accounts.models import User
from qme.core import kept
from qme.core.errors import ActionRefused
from qme.core.permissions import require, require_visible
from qme.organisations.models import Role
from qme.positions.models import Position, PositionRequest

from . import selectors, services
from .forms import (
    AnswerForm,
    CommitteeMemberForm,
    DecisionForm,
    MoveForm,
    OptionalReasonForm,
    ReasonForm,
)
from .models import Application, ApplicationStatus, CommitteeMember, Decision, DecisionStatus, Stage
from .rules import committee_seat
from .views_applicant import DOCUMENT_LABELS

#: Candidates per page of the scores side by side: each is a card with every member's score per
#: criterion, so a page of the usual 25 would be long to read and slow to render.
RESULTS_PER_PAGE = 10

#: The committee's scores side by side (its main part, per person, stage and page:
#: `qme.core.kept`): what the ranking reads.
RESULTS = kept.KeptPage("committee-results", (*selectors.RANKING_READS, PositionRequest))


def _position(request: HttpRequest, pk: int) -> Position:
    position = get_object_or_404(
        Position.objects.select_related("hospital", "university", "request"), pk=pk
    )
    require_visible(request.user, "selection.view_procedure", position)
    return position


def _act(request: HttpRequest, action, success: str) -> bool:
    try:
        action()
    except ActionRefused as refusal:
        messages.error(request, refusal.message)
        return False
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return False
    messages.success(request, success)
    return True


@login_required
def procedures(request: HttpRequest) -> HttpResponse:
    require(request.user, "selection.list_procedures")
    return render(
        request, "selection/procedures.html", {"positions": selectors.procedures_for(request.user)}
    )


@login_required
def procedure(request: HttpRequest, pk: int) -> HttpResponse:
    position = _position(request, pk)
    status = request.GET.get("status", "")
    if status not in ApplicationStatus.values:
        status = ""
    stages = (
        services.ensure_stages(position)
        if position.committee.exists()
        else list(position.stages.all())
    )
    applications = selectors.procedure_applications(position, status=status)
    seat = committee_seat(request.user, position)
    return render(
        request,
        "selection/procedure.html",
        {
            "position": position,
            "applications": applications,
            "status": status,
            "statuses": [s for s in ApplicationStatus.choices if s[0] != ApplicationStatus.DRAFT],
            "committee": selectors.committee_of(position),
            "committee_problems": services.committee_problems(position),
            "stages": stages,
            "seat": seat,
            "can_manage": request.user.has_perm("selection.manage_committee", position),
            "can_move": request.user.has_perm("selection.move_candidates", position),
            "move_form": MoveForm(position=position),
            "decision": position.decisions.filter(
                status__in=[DecisionStatus.PROPOSED, DecisionStatus.APPROVED]
            ).first(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def committee(request: HttpRequest, pk: int) -> HttpResponse:
    position = _position(request, pk)
    require(request.user, "selection.manage_committee", position)
    people = User.objects.filter(
        is_active=True,
        pk__in=Role.objects.current()
        .filter(organisation_id__in=[position.university_id, position.hospital_id])
        .values("user_id"),
    ).order_by("full_name")
    form = CommitteeMemberForm(request.POST or None, people=people)
    if request.method == "POST" and request.POST.get("remove"):
        try:
            member_pk = int(request.POST["remove"])
        except ValueError as exc:
            raise Http404 from exc
        member = get_object_or_404(CommitteeMember, pk=member_pk, position=position)
        _act(
            request,
            lambda: services.remove_committee_member(actor=request.user, member=member),
            _("The member has been removed."),
        )
        return redirect("selection:committee", pk=pk)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_committee_member(
                actor=request.user,
                position=position,
                person=form.cleaned_data["person"],
                side=form.cleaned_data["side"],
                is_chair=form.cleaned_data["is_chair"],
            )
        except ActionRefused as refusal:
            form.add_error(None, refusal.message)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("The member has been added and told by e-mail."))
            return redirect("selection:committee", pk=pk)
    return render(
        request,
        "selection/committee.html",
        {
            "position": position,
            "form": form,
            "committee": selectors.committee_of(position),
            "problems": services.committee_problems(position),
        },
    )


@login_required
@require_POST
def move(request: HttpRequest, pk: int) -> HttpResponse:
    position = _position(request, pk)
    require(request.user, "selection.move_candidates", position)
    form = MoveForm(request.POST, position=position)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect("selection:procedure", pk=pk)
    chosen = list(
        form.cleaned_data["applications"].select_related("position__hospital", "applicant")
    )
    action = form.cleaned_data["action"]
    if action == "shortlist":
        _act(
            request,
            lambda: services.shortlist(actor=request.user, applications=chosen),
            _("The candidates have been shortlisted."),
        )
    elif action == "reject":
        _act(
            request,
            lambda: services.reject(
                actor=request.user, applications=chosen, reason=form.cleaned_data["reason"]
            ),
            _("The candidates have been told."),
        )
    else:
        _act(
            request,
            lambda: services.invite_to_interview(
                actor=request.user,
                applications=chosen,
                starts_at=form.cleaned_data["starts_at"],
                duration_minutes=form.cleaned_data["duration_minutes"],
                location=form.cleaned_data["location"],
            ),
            _("The invitations, with a calendar invitation, have been sent."),
        )
    return redirect("selection:procedure", pk=pk)


@login_required
def candidate(request: HttpRequest, pk: int) -> HttpResponse:
    """A candidate as the committee sees them, with the member's own scoring form."""
    application = get_object_or_404(
        Application.objects.select_related(
            "position__hospital", "position__university", "applicant"
        ),
        pk=pk,
    )
    require_visible(request.user, "selection.view_application", application)
    if (
        application.status == ApplicationStatus.DRAFT
        and application.applicant_id != request.user.pk
    ):
        raise Http404
    position = application.position
    seat = committee_seat(request.user, position)
    stages = [s for s in position.stages.prefetch_related("criteria") if s.criteria.all()]
    scoring = []
    for stage in stages:
        sheet = selectors.my_sheet(stage, application, request.user)
        values = {s.criterion_id: s for s in sheet.scores.all()} if sheet else {}
        scoring.append(
            {
                "stage": stage,
                "sheet": sheet,
                "rows": [(c, values.get(c.pk)) for c in stage.criteria.all()],
                "can_score": seat is not None
                and application.status in services.SCOREABLE.get(stage.kind, ())
                and not (sheet and sheet.submitted_at),
            }
        )
    return render(
        request,
        "selection/candidate.html",
        {
            "application": application,
            "position": position,
            "seat": seat,
            "conflicted": seat is not None
            and seat.conflicts.filter(application=application).exists(),
            "scoring": scoring,
            "documents": [
                (k, label) for k, label in DOCUMENT_LABELS.items() if getattr(application, k)
            ],
            "language": get_language(),
            "can_admit": request.user.has_perm("selection.admit_application", application)
            and application.status == ApplicationStatus.INELIGIBLE,
            "reason_request": getattr(application, "reason_request", None),
            "can_answer_reasons": request.user.has_perm("selection.answer_reasons", position),
            "interviews": application.interviews.all(),
        },
    )


@login_required
@require_POST
def score(request: HttpRequest, pk: int, stage_pk: int) -> HttpResponse:
    application = get_object_or_404(Application.objects.select_related("position"), pk=pk)
    require_visible(request.user, "selection.view_application", application)
    stage = get_object_or_404(Stage, pk=stage_pk, position=application.position)
    value_field = forms.IntegerField(required=False)
    text_field = forms.CharField(required=False, max_length=5000)
    scores, problems = {}, []
    for criterion in stage.criteria.all():
        try:
            scores[criterion.pk] = (
                value_field.clean(request.POST.get(f"score_{criterion.pk}", "")),
                text_field.clean(request.POST.get(f"justification_{criterion.pk}", "")),
            )
        except ValidationError as error:
            problems += error.messages
    submit = request.POST.get("submit") == "yes"
    try:
        if problems:
            raise ValidationError(problems)
        services.save_scores(
            actor=request.user, stage=stage, application=application, scores=scores, submit=submit
        )
    except ActionRefused as refusal:
        messages.error(request, refusal.message)
    except ValidationError as error:
        messages.error(request, " ".join(sorted(set(error.messages))))
    else:
        messages.success(
            request,
            _("Your scores have been submitted; you now see the others' scores.")
            if submit
            else _("Your scores have been saved as a draft."),
        )
    return redirect(reverse("selection:candidate", args=[pk]) + f"#stage-{stage.pk}")


@login_required
@require_POST
def conflict(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_object_or_404(Application.objects.select_related("position"), pk=pk)
    require_visible(request.user, "selection.view_application", application)
    form = ReasonForm(request.POST)
    if form.is_valid():
        _act(
            request,
            lambda: services.declare_conflict(
                actor=request.user, application=application, reason=form.cleaned_data["reason"]
            ),
            _("Your conflict of interest has been recorded. You do not score this candidate."),
        )
    else:
        messages.error(request, _("Give a reason."))
    return redirect("selection:candidate", pk=pk)


@login_required
@require_POST
def admit(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_object_or_404(Application.objects.select_related("position"), pk=pk)
    require_visible(request.user, "selection.view_application", application)
    require(request.user, "selection.admit_application", application)
    form = ReasonForm(request.POST)
    if form.is_valid():
        _act(
            request,
            lambda: services.admit_application(
                actor=request.user, application=application, reason=form.cleaned_data["reason"]
            ),
            _("The application has been admitted to the procedure."),
        )
    else:
        messages.error(request, _("Give a reason."))
    return redirect("selection:candidate", pk=pk)


@login_required
@require_POST
def reasons_answer(request: HttpRequest, pk: int) -> HttpResponse:
    application = get_object_or_404(Application.objects.select_related("position"), pk=pk)
    require_visible(request.user, "selection.view_application", application)
    reason_request = getattr(application, "reason_request", None)
    if reason_request is None:
        raise Http404
    form = AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(map(str, form.errors["answer"])))
        return redirect("selection:candidate", pk=pk)
    _act(
        request,
        lambda: services.answer_reasons(
            actor=request.user, request=reason_request, answer=form.cleaned_data["answer"]
        ),
        _("The reasons have been sent to the candidate."),
    )
    return redirect("selection:candidate", pk=pk)


@login_required
def results(request: HttpRequest, pk: int, stage_pk: int) -> HttpResponse:
    """The committee's scores side by side, a page of candidates at a time in ranking order
    (``?candidate=<application>`` opens the page that holds that candidate)."""

    def build():
        position = _position(request, pk)
        stage = get_object_or_404(Stage, pk=stage_pk, position=position)
        ranking = selectors.kept_stage_ranking(stage, request.user)
        number = page_number
        if number is None and wanted:
            shown = [str(r.application.pk) for r in ranking]
            number = shown.index(wanted) // RESULTS_PER_PAGE + 1 if wanted in shown else 1
        page = Paginator(ranking, RESULTS_PER_PAGE).get_page(number)
        selectors.with_scores(stage, page.object_list)
        context = {
            "position": position,
            "stage": stage,
            "page": page,
            "results": page.object_list,
            "language": get_language(),
        }
        return "selection/results_main.html", context, _("Scores side by side")

    page_number, wanted = request.GET.get("page"), request.GET.get("candidate", "")
    parts = (pk, stage_pk, page_number, wanted)
    return kept.respond(request, RESULTS.main(request, parts, build))


@login_required
@require_http_methods(["GET", "POST"])
def decision(request: HttpRequest, pk: int) -> HttpResponse:
    position = _position(request, pk)
    seat = committee_seat(request.user, position)
    current = position.decisions.filter(
        status__in=[DecisionStatus.PROPOSED, DecisionStatus.APPROVED]
    ).first()
    candidates = position.applications.filter(
        status__in=[ApplicationStatus.SHORTLISTED, ApplicationStatus.INTERVIEW]
    ).select_related("applicant")
    form = DecisionForm(request.POST or None, candidates=candidates)
    if request.method == "POST" and current is None and form.is_valid():
        data = form.cleaned_data
        reserves = selectors.in_ranking_order(
            position,
            request.user,
            [a for a in data["reserves"] if a.pk != data["candidate"].pk],
        )
        try:
            services.propose_decision(
                actor=request.user,
                position=position,
                candidate=data["candidate"],
                reserves=reserves,
                rationale=data["rationale"],
                offer_deadline=data["offer_deadline"],
            )
        except ActionRefused as refusal:
            form.add_error(None, refusal.message)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(
                request, _("The decision has been proposed. Both chairs must approve it.")
            )
            return redirect("selection:decision", pk=pk)
    reserves = []
    if current:
        by_pk = {
            a.pk: a
            for a in position.applications.filter(pk__in=current.reserves).select_related(
                "applicant"
            )
        }
        reserves = [by_pk[i] for i in current.reserves if i in by_pk]
    return render(
        request,
        "selection/decision.html",
        {
            "position": position,
            "seat": seat,
            "current": current,
            "reserves": reserves,
            "offers": current.offers.select_related("application__applicant") if current else [],
            "history": position.decisions.exclude(
                pk=current.pk if current else None
            ).select_related("candidate__applicant", "blocked_by"),
            "form": form
            if current is None and request.user.has_perm("selection.propose_decision", position)
            else None,
            "can_offer_next": request.user.has_perm("selection.offer_next", position),
        },
    )


@login_required
@require_POST
def decision_act(request: HttpRequest, pk: int, decision_pk: int) -> HttpResponse:
    position = _position(request, pk)
    current = get_object_or_404(Decision, pk=decision_pk, position=position)
    action = request.POST.get("action")
    if action == "approve":
        _act(
            request,
            lambda: services.approve_decision(actor=request.user, decision=current),
            _("Your approval has been recorded."),
        )
    elif action == "block":
        form = OptionalReasonForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(map(str, form.errors["reason"])))
        else:
            _act(
                request,
                lambda: services.block_decision(
                    actor=request.user, decision=current, reason=form.cleaned_data["reason"]
                ),
                _("The decision has been blocked; the committee has been told why."),
            )
    elif action == "next":
        _act(
            request,
            lambda: services.offer_next_reserve(actor=request.user, decision=current),
            _("The position has been offered to the next reserve."),
        )
    else:
        messages.error(request, _("Unknown action."))
    return redirect("selection:decision", pk=pk)
