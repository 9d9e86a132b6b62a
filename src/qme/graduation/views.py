"""Graduation pages: the cases for the programme office and the examination board, with the
complete record in one view."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from qme.core.errors import ActionRefused
from qme.core.permissions import require, require_visible
from qme.feedback.models import Review
from qme.training import selectors as training_selectors
from qme.training.models import Traineeship

from . import services
from .models import CaseStatus, GraduationCase


@login_required
def cases(request: HttpRequest) -> HttpResponse:
    require(request.user, "graduation.list_cases")
    return render(
        request,
        "graduation/cases.html",
        {
            "open": GraduationCase.objects.filter(status=CaseStatus.PROPOSED).select_related(
                "traineeship__trainee", "traineeship__hospital"
            ),
            "decided": GraduationCase.objects.exclude(status=CaseStatus.PROPOSED).select_related(
                "traineeship__trainee", "traineeship__hospital"
            )[:50],
        },
    )


@login_required
@require_POST
def propose(request: HttpRequest, pk: int) -> HttpResponse:
    traineeship = get_object_or_404(Traineeship, pk=pk)
    require_visible(request.user, "training.view_traineeship", traineeship)
    try:
        case = services.propose(actor=request.user, traineeship=traineeship)
    except ActionRefused as refusal:
        messages.error(request, refusal.message)
        return redirect("training:detail", pk=pk)
    messages.success(request, _("Proposed to the examination board."))
    return redirect("graduation:case", pk=case.pk)


@login_required
@require_http_methods(["GET", "POST"])
def case(request: HttpRequest, pk: int) -> HttpResponse:
    graduation_case = get_object_or_404(
        GraduationCase.objects.select_related(
            "traineeship__trainee",
            "traineeship__hospital",
            "traineeship__university",
            "proposed_by",
            "decided_by",
        ),
        pk=pk,
    )
    require(request.user, "graduation.list_cases")
    if request.method == "POST":
        try:
            if request.POST.get("action") == "vote":
                services.vote(
                    actor=request.user,
                    case=graduation_case,
                    choice=request.POST.get("vote", ""),
                    reason=request.POST.get("reason", "")[:5000],
                )
                messages.success(request, _("Your vote has been recorded."))
            elif request.POST.get("action") == "decide":
                decided = services.decide(actor=request.user, case=graduation_case)
                messages.success(
                    request,
                    _("The decision has been recorded: %(status)s.")
                    % {"status": decided.get_status_display()},
                )
        except ActionRefused as refusal:
            messages.error(request, refusal.message)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect("graduation:case", pk=pk)
    traineeship = graduation_case.traineeship
    return render(
        request,
        "graduation/case.html",
        {
            "case": graduation_case,
            "traineeship": traineeship,
            "checks": services.requirements_check(traineeship),
            "progress": training_selectors.progress(traineeship),
            "reviews": Review.objects.filter(
                traineeship=traineeship, held_on__isnull=False
            ).order_by("held_on"),
            "assessments": traineeship.assessments.all(),
            "votes": graduation_case.votes.select_related("member"),
            "can_vote": request.user.has_perm("graduation.decide")
            and graduation_case.status == CaseStatus.PROPOSED,
        },
    )


@login_required
def requirements(request: HttpRequest, pk: int) -> HttpResponse:
    """The requirements check of a trainee, visible all along to the trainee and supervisors."""
    traineeship = get_object_or_404(
        Traineeship.objects.select_related("trainee", "curriculum"), pk=pk
    )
    require_visible(request.user, "training.view_traineeship", traineeship)
    checks = services.requirements_check(traineeship)
    return render(
        request,
        "graduation/requirements.html",
        {
            "traineeship": traineeship,
            "checks": checks,
            "passes": services.check_passes(checks),
            "can_propose": request.user.has_perm("graduation.propose"),
            "case": traineeship.graduation_cases.first(),
        },
    )
