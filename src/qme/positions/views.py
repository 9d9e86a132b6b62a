"""Pages for hospital coordinators (their own hospital's requests and positions) and for the
programme office (the review queue, and managing every position)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from qme.core.errors import ActionRefused
from qme.core.pagination import paginate, querystring_without_page
from qme.core.permissions import require, require_visible
from qme.organisations import roles
from qme.organisations.models import Organisation, RoleKind

from . import selectors, services
from .forms import (
    ApproveForm,
    AttachmentForm,
    ChangeRequestForm,
    CommentForm,
    DeadlineForm,
    DeclineForm,
    InviteForm,
    PositionForm,
    ReasonForm,
    RequestFilterForm,
    RequestForm,
)
from .models import Position, PositionRequest, PositionStatus, RequestAttachment, RequestComment


def _get_request_for_user(request: HttpRequest, pk: int) -> PositionRequest:
    try:
        position_request = selectors.request_detail(pk)
    except PositionRequest.DoesNotExist as exc:
        raise Http404 from exc
    require_visible(request.user, "positions.view_request", position_request)
    return position_request


def _get_position_for_user(request: HttpRequest, pk: int) -> Position:
    position = get_object_or_404(
        Position.objects.select_related("hospital", "university", "request"), pk=pk
    )
    require_visible(request.user, "positions.view_position", position)
    return position


def _errors_of(error: ValidationError) -> str:
    return " ".join(error.messages)


def _act(request: HttpRequest, action: Callable[[], Any], success: str) -> bool:
    """Run a service; show its refusal as a message. Returns whether it succeeded."""
    try:
        action()
    except ActionRefused as refusal:
        messages.error(request, refusal.message)
        return False
    except ValidationError as error:
        messages.error(request, _errors_of(error))
        return False
    messages.success(request, success)
    return True


# --- Requests ---


@login_required
def request_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "positions.list_requests")
    is_office = roles.is_programme_office(request.user)
    hospitals = (
        Organisation.objects.care_providers()
        if is_office
        else Organisation.objects.filter(
            pk__in=roles.organisation_ids(request.user, RoleKind.HOSPITAL_COORDINATOR)
        )
    ).order_by("name")
    form = RequestFilterForm(request.GET or None, hospitals=hospitals)
    filters = form.cleaned_data if form.is_valid() else {}
    hospital = filters.get("hospital")
    requests = selectors.request_list(
        request.user,
        status=filters.get("status", ""),
        hospital_id=hospital.pk if hospital else None,
        region=filters.get("region", ""),
        submitted_from=filters.get("submitted_from"),
        submitted_until=filters.get("submitted_until"),
        query=filters.get("q", ""),
    )
    page = paginate(request, requests)
    template = "positions/request_list.html"
    if request.htmx and not request.htmx.boosted:
        template += "#results"
    return render(
        request,
        template,
        {
            "form": form,
            "page": page,
            "querystring": querystring_without_page(request),
            "is_office": is_office,
            "can_create": request.user.has_perm("positions.create_request"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def request_create(request: HttpRequest) -> HttpResponse:
    require(request.user, "positions.create_request")
    hospitals = list(
        Organisation.objects.filter(
            pk__in=roles.organisation_ids(request.user, RoleKind.HOSPITAL_COORDINATOR)
        ).order_by("name")
    )
    hospital_id = request.GET.get("hospital") or request.POST.get("hospital")
    hospital = next((h for h in hospitals if str(h.pk) == hospital_id), None)
    if hospital_id and hospital is None:
        # Another hospital's id is refused, never silently replaced by the person's own.
        raise PermissionDenied
    if hospital is None and len(hospitals) == 1:
        hospital = hospitals[0]
    if hospital is None:
        return render(request, "positions/request_choose_hospital.html", {"hospitals": hospitals})
    form = RequestForm(request.POST or None, hospital=hospital)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.create_request(
                actor=request.user, hospital=hospital, **form.cleaned_data
            )
        except ActionRefused as refusal:
            form.add_error(None, refusal.message)
        except ValidationError as error:
            _add_model_errors(form, error)
        else:
            messages.success(
                request, _("Your draft has been saved. Submit it when it is complete.")
            )
            return redirect("positions:request_detail", pk=created.pk)
    return render(
        request,
        "positions/request_form.html",
        {"form": form, "hospital": hospital, "position_request": None},
    )


def _add_model_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


@login_required
@require_http_methods(["GET", "POST"])
def request_edit(request: HttpRequest, pk: int) -> HttpResponse:
    position_request = _get_request_for_user(request, pk)
    require(request.user, "positions.edit_request", position_request)
    form = RequestForm(
        request.POST or None,
        instance=PositionRequest.objects.get(pk=pk),
        hospital=position_request.hospital,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_request(
                actor=request.user, request=position_request, changes=form.cleaned_data
            )
        except ActionRefused as refusal:
            form.add_error(None, refusal.message)
        except ValidationError as error:
            _add_model_errors(form, error)
        else:
            messages.success(request, _("Your changes have been saved."))
            return redirect("positions:request_detail", pk=pk)
    return render(
        request,
        "positions/request_form.html",
        {"form": form, "hospital": position_request.hospital, "position_request": position_request},
    )


@login_required
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    position_request = _get_request_for_user(request, pk)
    user = request.user
    comments = (
        position_request.comments.select_related("author", "resolved_by")
        .filter(reply_to__isnull=True)
        .prefetch_related(
            Prefetch(
                "replies",
                queryset=RequestComment.objects.select_related("author").order_by("created_at"),
            )
        )
    )
    can_edit = user.has_perm("positions.edit_request", position_request)
    position = (
        getattr(position_request, "position", None)
        if position_request.status == "approved"
        else None
    )
    can_review = user.has_perm("positions.review_request", position_request)
    return render(
        request,
        "positions/request_detail.html",
        {
            "position_request": position_request,
            "missing": services.missing_for_submission(position_request)
            if position_request.is_editable
            else [],
            "attachments": position_request.attachments.all(),
            "comments": comments,
            "can_edit": can_edit,
            "can_submit": can_edit and user.has_perm("positions.submit_request", position_request),
            "can_withdraw": user.has_perm("positions.withdraw_request", position_request)
            and position_request.can_become("withdrawn"),
            "can_comment": user.has_perm("positions.comment_request", position_request)
            and position_request.status in ("draft", "submitted", "changes_requested"),
            "can_review": can_review and position_request.status == "submitted",
            "can_view_trail": user.has_perm("audit.view_trail"),
            "comment_form": CommentForm(),
            "attachment_form": AttachmentForm() if can_edit else None,
            "invite_form": InviteForm(initial={"language": "nl"}) if can_edit else None,
            "change_form": ChangeRequestForm() if can_review else None,
            "position": position
            if position is not None and user.has_perm("positions.view_position", position)
            else None,
        },
    )


@login_required
@require_POST
def request_submit(request: HttpRequest, pk: int) -> HttpResponse:
    position_request = _get_request_for_user(request, pk)
    try:
        services.submit_request(actor=request.user, request=position_request)
    except ActionRefused as refusal:
        if refusal.code == "already_submitted":
            messages.info(request, refusal.message)
        else:
            messages.error(request, refusal.message)
    else:
        messages.success(
            request, _("The request has been submitted. The programme office has been notified.")
        )
    return redirect("positions:request_detail", pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def request_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    position_request = _get_request_for_user(request, pk)
    require(request.user, "positions.withdraw_request", position_request)
    form = ReasonForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and _act(
            request,
            lambda: services.withdraw_request(
                actor=request.user, request=position_request, reason=form.cleaned_data["reason"]
            ),
            _("The request has been withdrawn."),
        )
    ):
        return redirect("positions:request_detail", pk=pk)
    return render(
        request,
        "positions/reason_form.html",
        {
            "form": form,
            "title": _("Withdraw the request"),
            "object": position_request,
            "back": position_request,
            "danger": True,
            "button": _("Withdraw"),
        },
    )


@login_required
@require_POST
def request_comment(request: HttpRequest, pk: int) -> HttpResponse:
    position_request = _get_request_for_user(request, pk)
    form = CommentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write a comment."))
        return redirect("positions:request_detail", pk=pk)
    reply_to = None
    if form.cleaned_data.get("reply_to"):
        reply_to = position_request.comments.filter(pk=form.cleaned_data["reply_to"]).first()
        if reply_to is None:
            messages.error(request, _("That comment does not exist."))
            return redirect("positions:request_detail", pk=pk)
    _act(
        request,
        lambda: services.add_comment(
            actor=request.user,
            request=position_request,
            body=form.cleaned_data["body"],
            reply_to=reply_to,
        ),
        _("Your comment has been added."),
    )
    return redirect(f"{position_request_url(pk)}#comments")


def position_request_url(pk: int) -> str:
    from django.urls import reverse

    return reverse("positions:request_detail", args=[pk])


@login_required
@require_POST
def comment_resolve(request: HttpRequest, pk: int, comment_pk: int) -> HttpResponse:
    position_request = _get_request_for_user(request, pk)
    comment = get_object_or_404(RequestComment, pk=comment_pk, request=position_request)
    _act(
        request,
        lambda: services.resolve_comment(actor=request.user, comment=comment),
        _("The comment is marked as resolved."),
    )
    return redirect(f"{position_request_url(pk)}#comments")


@login_required
@require_POST
def attachment_upload(request: HttpRequest, pk: int) -> HttpResponse:
    position_request = _get_request_for_user(request, pk)
    require(request.user, "positions.edit_request", position_request)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    else:
        _act(
            request,
            lambda: services.add_attachment(
                actor=request.user, request=position_request, uploaded=form.cleaned_data["file"]
            ),
            _("The file has been attached."),
        )
    return redirect(f"{position_request_url(pk)}#attachments")


@login_required
def attachment_download(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    """Files are never public: this view checks the rules and serves them as attachments."""
    position_request = _get_request_for_user(request, pk)
    attachment = get_object_or_404(RequestAttachment, pk=attachment_pk, request=position_request)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.original_name,
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
@require_POST
def attachment_delete(request: HttpRequest, pk: int, attachment_pk: int) -> HttpResponse:
    position_request = _get_request_for_user(request, pk)
    attachment = get_object_or_404(RequestAttachment, pk=attachment_pk, request=position_request)
    _act(
        request,
        lambda: services.remove_attachment(actor=request.user, attachment=attachment),
        _("The file has been removed."),
    )
    return redirect(f"{position_request_url(pk)}#attachments")


@login_required
@require_POST
def request_invite(request: HttpRequest, pk: int) -> HttpResponse:
    position_request = _get_request_for_user(request, pk)
    require(request.user, "positions.edit_request", position_request)
    form = InviteForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label}: {' '.join(errors)}" if label else " ".join(errors))
        return redirect("positions:request_detail", pk=pk)
    data = form.cleaned_data
    field = "medical_doctor" if data["kind"] == RoleKind.MEDICAL_DOCTOR else "hospital_supervisor"

    def invite() -> None:
        person = services.invite_hospital_person(
            actor=request.user,
            hospital=position_request.hospital,
            email=data["email"],
            full_name=data["full_name"],
            kind=data["kind"],
            language=data["language"],
        )
        services.update_request(
            actor=request.user, request=position_request, changes={field: person}
        )

    _act(
        request,
        invite,
        _("%(name)s has been invited and named on this request.") % {"name": data["full_name"]},
    )
    return redirect("positions:request_detail", pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def request_approve(request: HttpRequest, pk: int) -> HttpResponse:
    position_request = _get_request_for_user(request, pk)
    require(request.user, "positions.review_request", position_request)
    form = ApproveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            position = services.approve_request(
                actor=request.user,
                request=position_request,
                university=form.cleaned_data["university"],
                university_supervisor=form.cleaned_data["university_supervisor"],
                reason=form.cleaned_data["reason"],
            )
        except ActionRefused as refusal:
            form.add_error(None, refusal.message)
        except ValidationError as error:
            _add_model_errors(form, error)
        else:
            messages.success(
                request,
                _("The request has been approved. Check the position's texts, then publish it."),
            )
            return redirect("positions:position_edit", pk=position.pk)
    return render(
        request,
        "positions/request_decide.html",
        {"form": form, "position_request": position_request, "decision": "approve"},
    )


@login_required
@require_POST
def request_changes(request: HttpRequest, pk: int) -> HttpResponse:
    position_request = _get_request_for_user(request, pk)
    require(request.user, "positions.review_request", position_request)
    form = ChangeRequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say what should change."))
        return redirect("positions:request_detail", pk=pk)
    _act(
        request,
        lambda: services.request_changes(
            actor=request.user, request=position_request, comment=form.cleaned_data["comment"]
        ),
        _("The request has been returned to the coordinator with your comments."),
    )
    return redirect("positions:request_detail", pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def request_decline(request: HttpRequest, pk: int) -> HttpResponse:
    position_request = _get_request_for_user(request, pk)
    require(request.user, "positions.review_request", position_request)
    form = DeclineForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and _act(
            request,
            lambda: services.decline_request(
                actor=request.user, request=position_request, reason=form.cleaned_data["reason"]
            ),
            _("The request has been declined. The coordinator has been told why."),
        )
    ):
        return redirect("positions:request_detail", pk=pk)
    return render(
        request,
        "positions/request_decide.html",
        {"form": form, "position_request": position_request, "decision": "decline"},
    )


# --- Positions ---


@login_required
def position_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "positions.list_positions")
    status = request.GET.get("status", "")
    if status not in PositionStatus.values:
        status = ""
    # A NUL byte is no search term; PostgreSQL refuses it outright.
    query = request.GET.get("q", "").replace("\x00", "")[:100]
    positions = selectors.position_list(request.user, status=status, query=query)
    page = paginate(request, positions)
    return render(
        request,
        "positions/position_list.html",
        {
            "page": page,
            "status": status,
            "statuses": PositionStatus.choices,
            "q": query,
            "querystring": querystring_without_page(request),
        },
    )


@login_required
def position_detail(request: HttpRequest, pk: int) -> HttpResponse:
    position = _get_position_for_user(request, pk)
    can_manage = request.user.has_perm("positions.manage_position", position)
    return render(
        request,
        "positions/position_detail.html",
        {
            "position": position,
            "can_manage": can_manage,
            "can_view_trail": request.user.has_perm("audit.view_trail"),
            "deadline_form": DeadlineForm(initial={"deadline": position.application_deadline}),
            "reason_form": ReasonForm(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def position_edit(request: HttpRequest, pk: int) -> HttpResponse:
    position = _get_position_for_user(request, pk)
    require(request.user, "positions.manage_position", position)
    form = PositionForm(request.POST or None, instance=Position.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        changes = {k: v for k, v in form.cleaned_data.items() if k in form.changed_data}
        try:
            services.update_position(actor=request.user, position=position, changes=changes)
        except ActionRefused as refusal:
            form.add_error(None, refusal.message)
        except ValidationError as error:
            _add_model_errors(form, error)
        else:
            messages.success(request, _("Your changes have been saved."))
            return redirect("positions:position_detail", pk=pk)
    return render(request, "positions/position_form.html", {"form": form, "position": position})


@login_required
@require_POST
def position_publish(request: HttpRequest, pk: int) -> HttpResponse:
    position = _get_position_for_user(request, pk)
    require(request.user, "positions.manage_position", position)
    _act(
        request,
        lambda: services.publish_position(actor=request.user, position=position),
        _("The position is published and open for applications."),
    )
    return redirect("positions:position_detail", pk=pk)


def _reason_action(
    request: HttpRequest,
    pk: int,
    *,
    title: str,
    button: str,
    danger: bool,
    run,
    success: str,
    with_deadline: bool = False,
) -> HttpResponse:
    position = _get_position_for_user(request, pk)
    if not request.user.has_perm("positions.manage_position", position):
        raise PermissionDenied
    form_class = DeadlineForm if with_deadline else ReasonForm
    form = form_class(request.POST or None, initial={"deadline": position.application_deadline})
    if request.method == "POST" and form.is_valid():
        try:
            run(position, form.cleaned_data)
        except ActionRefused as refusal:
            form.add_error(None, refusal.message)
        except ValidationError as error:
            _add_model_errors(form, error)
        else:
            messages.success(request, success)
            return redirect("positions:position_detail", pk=pk)
    return render(
        request,
        "positions/reason_form.html",
        {
            "form": form,
            "title": title,
            "object": position,
            "back": position,
            "danger": danger,
            "button": button,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def position_close(request: HttpRequest, pk: int) -> HttpResponse:
    return _reason_action(
        request,
        pk,
        title=_("Close for applications"),
        button=_("Close now"),
        danger=False,
        run=lambda p, d: services.close_position(
            actor=request.user, position=p, reason=d["reason"]
        ),
        success=_("The position is closed for applications; selection can begin."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def position_extend(request: HttpRequest, pk: int) -> HttpResponse:
    return _reason_action(
        request,
        pk,
        title=_("Extend the deadline"),
        button=_("Extend"),
        danger=False,
        with_deadline=True,
        run=lambda p, d: services.extend_deadline(
            actor=request.user, position=p, deadline=d["deadline"], reason=d["reason"]
        ),
        success=_("The deadline has been extended."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def position_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    return _reason_action(
        request,
        pk,
        title=_("Cancel the position"),
        button=_("Cancel the position"),
        danger=True,
        run=lambda p, d: services.cancel_position(
            actor=request.user, position=p, reason=d["reason"]
        ),
        success=_("The position has been cancelled."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def position_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    return _reason_action(
        request,
        pk,
        title=_("Reopen for applications"),
        button=_("Reopen"),
        danger=False,
        with_deadline=True,
        run=lambda p, d: services.reopen_position(
            actor=request.user, position=p, deadline=d["deadline"], reason=d["reason"]
        ),
        success=_("The position is open for applications again."),
    )
