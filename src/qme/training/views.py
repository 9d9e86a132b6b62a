"""Pages of training, for the trainee, their supervisors and doctor, the hospital coordinator and
the programme office."""

from __future__ import annotations

import re

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from qme.audit.services import record_event
from qme.core import kept
from qme.core.errors import ActionRefused
from qme.core.files import private_file_response
from qme.core.pagination import paginate, querystring_without_page
from qme.core.permissions import require, require_visible
from qme.feedback import services as feedback_services
from qme.feedback.models import Feedback, ProgrammeSettings

from . import selectors, services
from .forms import (
    CatalogueItemForm,
    CurriculumForm,
    DeliverableForm,
    ExtensionForm,
    LeaveForm,
    PlanItemForm,
    ProjectForm,
    ReasonForm,
    RecordForm,
    TraineeshipFilterForm,
    TraineeshipForm,
)
from .models import (
    CatalogueItem,
    Curriculum,
    Deliverable,
    DesignProject,
    Extension,
    ItemRecord,
    Leave,
    Milestone,
    PlanItem,
    Traineeship,
    TraineeshipStatus,
    TrainingPlan,
)

#: A trainee's record (its main part, per person and traineeship: `qme.core.kept`).
RECORD = kept.KeptPage(
    "trainee-record",
    (
        Traineeship,
        Curriculum,
        Curriculum.mandatory.through,
        CatalogueItem,
        TrainingPlan,
        PlanItem,
        ItemRecord,
        Leave,
        Extension,
        DesignProject,
        Milestone,
        Feedback,
        ProgrammeSettings,
    ),
)


def _traineeship(request: HttpRequest, pk: int) -> Traineeship:
    # The supervisors and the doctor come in queries of their own: joined with the rest, the
    # eight tables took PostgreSQL 10 ms to plan, for a lookup by primary key.
    traineeship = get_object_or_404(
        Traineeship.objects.select_related(
            "trainee", "hospital", "university", "curriculum"
        ).prefetch_related("university_supervisor", "hospital_supervisor", "medical_doctor"),
        pk=pk,
    )
    require_visible(request.user, "training.view_traineeship", traineeship)
    return traineeship


def _form_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _run(request: HttpRequest, form, action, success: str) -> bool:
    try:
        action()
    except ActionRefused as refusal:
        if form is None:
            messages.error(request, refusal.message)
        else:
            form.add_error(None, refusal.message)
        return False
    except ValidationError as error:
        if form is None:
            messages.error(request, " ".join(error.messages))
        else:
            _form_errors(form, error)
        return False
    messages.success(request, success)
    return True


def _posted_text(request: HttpRequest, name: str) -> str:
    """A comment or reason posted beside a button, cleaned as a form would: trimmed, at most
    2000 characters, no NUL byte. Raises ValidationError, which `_run` shows."""
    return forms.CharField(max_length=2000, required=False).clean(request.POST.get(name, ""))


def _posted_object(request: HttpRequest, name: str, queryset):
    """The row a button names by its id, among `queryset`; 404 for anything else."""
    value = request.POST.get(name, "")
    if not re.fullmatch(r"[0-9]{1,18}", value):
        raise Http404
    return get_object_or_404(queryset, pk=int(value))


@login_required
def traineeship_list(request: HttpRequest) -> HttpResponse:
    form = TraineeshipFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    traineeships = selectors.traineeship_list(
        request.user,
        hospital_id=filters["hospital"].pk if filters.get("hospital") else None,
        university_id=filters["university"].pk if filters.get("university") else None,
        cohort=filters.get("cohort"),
        status=filters.get("status", ""),
        query=filters.get("q", ""),
    )
    settings = ProgrammeSettings.current()
    page = paginate(request, feedback_services.with_cadence(traineeships))
    for traineeship in page.object_list:
        traineeship.cadence = feedback_services.cadence_of(traineeship, settings)
    return render(
        request,
        "training/list.html",
        {
            "form": form,
            "page": page,
            "querystring": querystring_without_page(request),
            "can_create": request.user.has_perm("training.manage_traineeship"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def traineeship_create(request: HttpRequest) -> HttpResponse:
    require(request.user, "training.manage_traineeship")
    form = TraineeshipForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        created = []
        if _run(
            request,
            form,
            lambda: created.append(
                services.create_traineeship(actor=request.user, **form.cleaned_data)
            ),
            _("The traineeship has been created."),
        ):
            return redirect("training:detail", pk=created[0].pk)
    return render(request, "training/form.html", {"form": form, "title": _("New traineeship")})


@login_required
def traineeship_detail(request: HttpRequest, pk: int) -> HttpResponse:
    def build():
        traineeship = _traineeship(request, pk)
        # The expected end, the timeline and the page each read the leaves: once.
        prefetch_related_objects([traineeship], "leaves")
        progress = selectors.progress(traineeship)
        project = getattr(traineeship, "design_project", None)
        cadence = feedback_services.cadence_of(
            feedback_services.with_cadence(Traineeship.objects.filter(pk=pk)).get()
        )
        context = {
            "traineeship": traineeship,
            "progress": progress,
            "timeline": _timeline(traineeship, progress),
            "project": project,
            "milestones": project.milestones.all() if project else [],
            "leaves": traineeship.leaves.all(),
            "extensions": traineeship.extensions.select_related("granted_by"),
            "is_trainee": traineeship.trainee_id == request.user.pk,
            "can_manage": request.user.has_perm("training.manage_traineeship", traineeship),
            "can_sign_off": request.user.has_perm("training.sign_off", traineeship),
            "open_plan": selectors.open_plan(traineeship),
            "cadence": cadence,
            "language": get_language(),
        }
        return "training/detail_main.html", context, traineeship.trainee.full_name

    return kept.respond(request, RECORD.main(request, pk, build))


def _timeline(traineeship: Traineeship, progress) -> dict:
    """Bars of the plan against the two years (percentages of the whole period)."""
    start, end = traineeship.start_date, progress.expected_end
    span = max((end - start).days, 1)

    def pct(day) -> float:
        return round(min(max((day - start).days / span, 0), 1) * 100, 2)

    today = timezone.localdate()
    rows = []
    for item, record in progress.items:
        left = pct(item.planned_start)
        rows.append(
            {
                "item": item,
                "record": record,
                "left": left,
                "width": max(pct(item.planned_end) - left, 1.5),
                "overdue": item in progress.overdue,
            }
        )
    leaves = [
        {
            "leave": leave,
            "left": pct(leave.starts_on),
            "width": max(pct(leave.ends_on) - pct(leave.starts_on), 1),
        }
        for leave in traineeship.leaves.all()
    ]
    return {"rows": rows, "leaves": leaves, "today": pct(today), "start": start, "end": end}


@login_required
@require_http_methods(["GET", "POST"])
def plan(request: HttpRequest, pk: int) -> HttpResponse:
    traineeship = _traineeship(request, pk)
    draft = selectors.open_plan(traineeship)
    approved = selectors.approved_plan(traineeship)
    form = PlanItemForm(request.POST or None)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "start":
            _run(
                request,
                None,
                lambda: services.start_plan_version(actor=request.user, traineeship=traineeship),
                _("A new version of your plan is ready to edit."),
            )
            return redirect("training:plan", pk=pk)
        if action == "add" and draft is not None and form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
            if _run(
                request,
                form,
                lambda: services.add_plan_item(actor=request.user, plan=draft, **data),
                _("The item has been added."),
            ):
                return redirect("training:plan", pk=pk)
        if action == "remove" and draft is not None:
            item = _posted_object(request, "item", PlanItem.objects.filter(plan=draft))
            _run(
                request,
                None,
                lambda: services.remove_plan_item(actor=request.user, item=item),
                _("The item has been removed."),
            )
            return redirect("training:plan", pk=pk)
        if action == "submit" and draft is not None:
            _run(
                request,
                None,
                lambda: services.submit_plan(
                    actor=request.user, plan=draft, note=_posted_text(request, "note")
                ),
                _("Your plan has been sent to both supervisors for approval."),
            )
            return redirect("training:plan", pk=pk)
        if action == "approve" and draft is not None:
            _run(
                request,
                None,
                lambda: services.approve_plan(actor=request.user, plan=draft),
                _("Your approval has been recorded."),
            )
            return redirect("training:plan", pk=pk)
        if action == "send_back" and draft is not None:
            _run(
                request,
                None,
                lambda: services.send_back_plan(
                    actor=request.user, plan=draft, reason=_posted_text(request, "reason")
                ),
                _("The plan has been sent back to the trainee."),
            )
            return redirect("training:plan", pk=pk)
    shown = draft or approved
    return render(
        request,
        "training/plan.html",
        {
            "traineeship": traineeship,
            "draft": draft,
            "approved": approved,
            "shown": shown,
            "items": shown.items.select_related("catalogue_item") if shown else [],
            "problems": services.plan_problems(shown) if shown else [],
            "changes": services.plan_changes(draft) if draft and approved else None,
            "form": form,
            "can_edit": request.user.has_perm("training.edit_plan", traineeship),
            # A completed or discontinued traineeship gets no new plan version.
            "has_ended": traineeship.status
            in (TraineeshipStatus.COMPLETED, TraineeshipStatus.DISCONTINUED),
            "can_approve": request.user.has_perm("training.approve_plan", traineeship),
            "records": {r.item_key: r for r in traineeship.records.all()},
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def record_item(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    traineeship = _traineeship(request, pk)
    require(request.user, "training.record_item", traineeship)
    item = get_object_or_404(PlanItem, pk=item_pk, plan__traineeship=traineeship)
    form = RecordForm(request.POST or None, request.FILES or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and _run(
            request,
            form,
            lambda: services.record_completion(
                actor=request.user,
                traineeship=traineeship,
                item=item,
                completed_on=form.cleaned_data["completed_on"],
                grade=form.cleaned_data["grade"],
                note=form.cleaned_data["note"],
                evidence=form.cleaned_data["evidence"],
            ),
            _("Recorded. Your supervisor has been asked to sign it off."),
        )
    ):
        return redirect("training:detail", pk=pk)
    return render(
        request,
        "training/form.html",
        {
            "form": form,
            "title": _("Record as completed: %(item)s") % {"item": item.title},
            "multipart": True,
            "back": reverse("training:detail", args=[pk]),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def record(request: HttpRequest, pk: int) -> HttpResponse:
    """The sign-off page that the e-mail links to: two taps on a phone, and never by the link
    alone."""
    item_record = get_object_or_404(
        ItemRecord.objects.select_related("traineeship__trainee", "decided_by"), pk=pk
    )
    traineeship = item_record.traineeship
    require_visible(request.user, "training.view_traineeship", traineeship)
    if request.method == "POST":
        if request.POST.get("action") == "sign_off":
            _run(
                request,
                None,
                lambda: services.sign_off(actor=request.user, record=item_record),
                _("Signed off. Thank you!"),
            )
        elif request.POST.get("action") == "send_back":
            _run(
                request,
                None,
                lambda: services.send_back(
                    actor=request.user,
                    record=item_record,
                    comment=_posted_text(request, "comment"),
                ),
                _("Sent back to the trainee with your comment."),
            )
        return redirect("training:record", pk=pk)
    return render(
        request,
        "training/record.html",
        {
            "record": item_record,
            "traineeship": traineeship,
            "can_sign_off": request.user.has_perm("training.sign_off", traineeship),
        },
    )


@login_required
def record_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    item_record = get_object_or_404(ItemRecord.objects.select_related("traineeship"), pk=pk)
    require_visible(request.user, "training.view_traineeship", item_record.traineeship)
    if not item_record.evidence:
        raise Http404
    return private_file_response(item_record.evidence, f"evidence-{item_record.pk}.pdf")


@login_required
@require_http_methods(["GET", "POST"])
def project(request: HttpRequest, pk: int) -> HttpResponse:
    traineeship = _traineeship(request, pk)
    design = get_object_or_404(DesignProject, traineeship=traineeship)
    can_edit = request.user.has_perm("training.edit_project", traineeship)
    form = ProjectForm(
        request.POST or None,
        initial={
            "title": design.title,
            "problem_statement": design.problem_statement,
            "goals": design.goals,
        },
    )
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "edit" and form.is_valid():
            if _run(
                request,
                form,
                lambda: services.update_project(
                    actor=request.user, project=design, changes=form.cleaned_data
                ),
                _("Your changes have been saved."),
            ):
                return redirect("training:project", pk=pk)
        elif action == "upload":
            milestone = _posted_object(
                request, "milestone", Milestone.objects.filter(project=design)
            )
            upload = DeliverableForm(request.POST, request.FILES)
            if upload.is_valid():
                _run(
                    request,
                    None,
                    lambda: services.upload_deliverable(
                        actor=request.user,
                        milestone=milestone,
                        uploaded=upload.cleaned_data["file"],
                        note=upload.cleaned_data["note"],
                    ),
                    _("The deliverable has been uploaded."),
                )
            elif "file" in upload.errors:
                messages.error(request, _("Choose a PDF file."))
            else:
                messages.error(request, " ".join(upload.errors.get("note", [])))
            return redirect(reverse("training:project", args=[pk]) + f"#milestone-{milestone.pk}")
        elif action == "reach":
            milestone = _posted_object(
                request, "milestone", Milestone.objects.filter(project=design)
            )
            _run(
                request,
                None,
                lambda: services.reach_milestone(
                    actor=request.user, milestone=milestone, reached_on=timezone.localdate()
                ),
                _("The milestone is marked as reached."),
            )
            return redirect(reverse("training:project", args=[pk]) + f"#milestone-{milestone.pk}")
    return render(
        request,
        "training/project.html",
        {
            "traineeship": traineeship,
            "project": design,
            "form": form,
            "can_edit": can_edit,
            "milestones": design.milestones.prefetch_related("deliverables"),
            "can_reach": request.user.has_perm("training.sign_off", traineeship),
            "upload_form": DeliverableForm(),
            "language": get_language(),
        },
    )


@login_required
def deliverable(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(
        Deliverable.objects.select_related("milestone__project__traineeship"), pk=pk
    )
    require_visible(request.user, "training.view_traineeship", item.milestone.project.traineeship)
    return private_file_response(item.file, item.original_name)


def _office_form(
    request: HttpRequest, pk: int, form_class, run, title: str, success: str
) -> HttpResponse:
    traineeship = _traineeship(request, pk)
    require(request.user, "training.manage_traineeship", traineeship)
    form = form_class(request.POST or None, initial={"current_end": traineeship.expected_end_date})
    if (
        request.method == "POST"
        and form.is_valid()
        and _run(request, form, lambda: run(traineeship, form.cleaned_data), success)
    ):
        return redirect("training:detail", pk=pk)
    return render(
        request,
        "training/form.html",
        {
            "form": form,
            "title": title,
            "back": reverse("training:detail", args=[pk]),
            "subject": traineeship,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def leave(request: HttpRequest, pk: int) -> HttpResponse:
    return _office_form(
        request,
        pk,
        LeaveForm,
        lambda t, d: services.record_leave(actor=request.user, traineeship=t, **d),
        _("Record leave"),
        _("The leave has been recorded; the expected end date moves with it."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def extend(request: HttpRequest, pk: int) -> HttpResponse:
    return _office_form(
        request,
        pk,
        ExtensionForm,
        lambda t, d: services.grant_extension(actor=request.user, traineeship=t, **d),
        _("Grant an extension"),
        _("The extension has been granted."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def discontinue(request: HttpRequest, pk: int) -> HttpResponse:
    return _office_form(
        request,
        pk,
        ReasonForm,
        lambda t, d: services.discontinue(actor=request.user, traineeship=t, reason=d["reason"]),
        _("Discontinue the traineeship"),
        _("The traineeship has been discontinued."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def catalogue(request: HttpRequest) -> HttpResponse:
    can_manage = request.user.has_perm("training.manage_curriculum")
    form = CatalogueItemForm(request.POST or None) if can_manage else None
    if request.method == "POST":
        require(request.user, "training.manage_curriculum")
        if form.is_valid():
            item = form.save()
            record_event(actor=request.user, action="catalogue.item_added", target=item)
            messages.success(request, _("The item has been added to the catalogue."))
            return redirect("training:catalogue")
    return render(
        request,
        "training/catalogue.html",
        {
            "items": CatalogueItem.objects.prefetch_related("editions"),
            "form": form,
            "language": get_language(),
            "curricula": Curriculum.objects.prefetch_related("mandatory"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def curriculum_create(request: HttpRequest) -> HttpResponse:
    require(request.user, "training.manage_curriculum")
    latest = Curriculum.objects.order_by("-cohort_year").first()
    initial = {}
    if latest:
        initial = {
            f: getattr(latest, f)
            for f in ("total_ec", "design_project_ec", "course_ec", "clinical_project_ec")
        }
        initial["cohort_year"] = latest.cohort_year + 1
        initial["mandatory"] = list(latest.mandatory.all())
    form = CurriculumForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        curriculum = form.save()
        record_event(actor=request.user, action="curriculum.created", target=curriculum)
        messages.success(
            request,
            _("The rules for cohort %(year)s have been saved.") % {"year": curriculum.cohort_year},
        )
        return redirect("training:catalogue")
    return render(
        request,
        "training/form.html",
        {"form": form, "title": _("Rules for a new cohort"), "back": reverse("training:catalogue")},
    )
