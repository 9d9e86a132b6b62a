"""Pages of the applicant: apply, follow the status, withdraw, answer an offer, ask for reasons."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from qme.audit.models import AuditEvent
from qme.core.errors import ActionRefused
from qme.core.files import private_file_response
from qme.core.permissions import require_visible
from qme.positions.models import Position

from . import selectors, services
from .forms import ApplicationForm, DocumentForm, OptionalReasonForm
from .models import Application, ApplicationStatus, Offer, OfferStatus

#: What the applicant reads in their application's history; other events stay internal.
APPLICANT_EVENTS = {
    "application.started": gettext_lazy("You started your application."),
    "application.submitted": gettext_lazy("You submitted your application."),
    "application.ineligible": gettext_lazy("Your application did not meet the requirements."),
    "application.admitted": gettext_lazy("The programme office admitted your application."),
    "application.shortlisted": gettext_lazy("You were shortlisted."),
    "application.invited": gettext_lazy("You were invited to an interview."),
    "application.rejected": gettext_lazy(
        "The committee decided not to continue with your application."
    ),
    "application.withdrawn": gettext_lazy("You withdrew your application."),
    "application.consent_given": gettext_lazy("You agreed that we keep your data for one year."),
    "application.consent_withdrawn": gettext_lazy("You withdrew your consent to keep your data."),
    "application.reasons_asked": gettext_lazy("You asked for the reasons of the decision."),
    "application.reasons_given": gettext_lazy("The committee gave the reasons of its decision."),
    "offer.made": gettext_lazy("You were offered the position."),
    "offer.accepted": gettext_lazy("You accepted the offer."),
    "offer.declined": gettext_lazy("You declined the offer."),
    "offer.expired": gettext_lazy("The offer expired."),
}

DOCUMENT_LABELS = {
    "cv": gettext_lazy("CV"),
    "motivation": gettext_lazy("Motivation letter"),
    "diploma": gettext_lazy("Master's diploma or transcript"),
    "dutch_evidence": gettext_lazy("Proof of Dutch"),
}


def _application(request: HttpRequest, pk: int) -> Application:
    application = get_object_or_404(
        Application.objects.select_related(
            "position__hospital", "position__university", "applicant"
        ),
        pk=pk,
    )
    require_visible(request.user, "selection.view_application", application)
    return application


@login_required
@require_POST
def apply(request: HttpRequest, position_pk: int) -> HttpResponse:
    position = get_object_or_404(Position, pk=position_pk, published_at__isnull=False)
    try:
        application = services.start_application(actor=request.user, position=position)
    except ActionRefused as refusal:
        messages.error(request, refusal.message)
        return redirect("positions:public_detail", pk=position_pk)
    return redirect("selection:application_detail", pk=application.pk)


@login_required
def my_applications(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "selection/my_applications.html",
        {"applications": selectors.applications_of(request.user), "language": get_language()},
    )


@login_required
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    if application.applicant_id != request.user.pk:
        return redirect("selection:candidate", pk=pk)
    editable = application.status in (ApplicationStatus.DRAFT, ApplicationStatus.INELIGIBLE)
    history = [
        (event.occurred_at, APPLICANT_EVENTS[event.action])
        for event in AuditEvent.objects.filter(
            target_type__app_label="selection",
            target_type__model="application",
            target_id=str(application.pk),
            action__in=list(APPLICANT_EVENTS),
        ).order_by("occurred_at", "id")
    ]
    return render(
        request,
        "selection/application_detail.html",
        {
            "application": application,
            "position": application.position,
            "language": get_language(),
            "editable": editable,
            "missing": services.missing_for_submission(application) if editable else [],
            "documents": [
                (kind, label, getattr(application, kind)) for kind, label in DOCUMENT_LABELS.items()
            ],
            "document_form": DocumentForm() if editable else None,
            "offer": application.offers.filter(status=OfferStatus.PENDING).first(),
            "interviews": application.interviews.all(),
            "reason_request": getattr(application, "reason_request", None),
            "history": history,
            "can_withdraw": application.can_become(ApplicationStatus.WITHDRAWN),
            "can_ask_reasons": application.status
            in (ApplicationStatus.REJECTED, ApplicationStatus.INELIGIBLE),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def application_edit(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    if application.applicant_id != request.user.pk:
        raise Http404
    form = ApplicationForm(request.POST or None, instance=Application.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_application(
                actor=request.user, application=application, changes=form.cleaned_data
            )
        except ActionRefused as refusal:
            form.add_error(None, refusal.message)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Your application has been saved."))
            return redirect("selection:application_detail", pk=pk)
    return render(
        request, "selection/application_form.html", {"form": form, "application": application}
    )


@login_required
@require_POST
def document_upload(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    application = _application(request, pk)
    if application.applicant_id != request.user.pk or kind not in DOCUMENT_LABELS:
        raise Http404
    form = DocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a PDF file."))
    else:
        try:
            services.upload_document(
                actor=request.user,
                application=application,
                kind=kind,
                uploaded=form.cleaned_data["file"],
            )
        except ActionRefused as refusal:
            messages.error(request, refusal.message)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, _("%(document)s has been uploaded.") % {"document": DOCUMENT_LABELS[kind]}
            )
    return redirect(reverse("selection:application_detail", args=[pk]) + "#documents")


@login_required
def document_download(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """Documents are served only to the applicant, the committee and the programme office."""
    application = _application(request, pk)
    if kind not in DOCUMENT_LABELS or not getattr(application, kind):
        raise Http404
    return private_file_response(getattr(application, kind), f"{kind}-{application.pk}.pdf")


def _act(request: HttpRequest, action, success: str) -> None:
    try:
        action()
    except ActionRefused as refusal:
        if refusal.code in ("already_submitted", "already_answered"):
            messages.info(request, refusal.message)
        else:
            messages.error(request, refusal.message)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, success)


@login_required
@require_POST
def application_submit(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    _act(
        request,
        lambda: services.submit_application(actor=request.user, application=application),
        _("Your application has been submitted. You will receive a confirmation by e-mail."),
    )
    return redirect("selection:application_detail", pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def application_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    if application.applicant_id != request.user.pk:
        raise Http404
    form = OptionalReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        _act(
            request,
            lambda: services.withdraw_application(
                actor=request.user, application=application, reason=form.cleaned_data["reason"]
            ),
            _("Your application has been withdrawn."),
        )
        return redirect("selection:application_detail", pk=pk)
    return render(
        request, "selection/application_withdraw.html", {"form": form, "application": application}
    )


@login_required
@require_POST
def application_consent(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    keep = request.POST.get("keep_for_a_year") == "yes"
    _act(
        request,
        lambda: services.set_consent(
            actor=request.user, application=application, keep_for_a_year=keep
        ),
        _("Your choice has been recorded."),
    )
    return redirect("selection:application_detail", pk=pk)


@login_required
@require_POST
def offer_respond(request: HttpRequest, pk: int, offer_pk: int) -> HttpResponse:
    application = _application(request, pk)
    offer = get_object_or_404(Offer, pk=offer_pk, application=application)
    answer = request.POST.get("answer")
    if answer not in ("accept", "decline"):
        messages.error(request, _("Choose to accept or to decline the offer."))
        return redirect("selection:application_detail", pk=pk)
    accept = answer == "accept"
    try:
        services.respond_to_offer(actor=request.user, offer=offer, accept=accept)
    except ActionRefused as refusal:
        messages.error(request, refusal.message)
        return redirect("selection:application_detail", pk=pk)
    if accept:
        messages.success(
            request, _("Welcome to the QME programme! Your traineeship has been created.")
        )
        return redirect("home")
    messages.success(request, _("You have declined the offer. Thank you for letting us know."))
    return redirect("selection:application_detail", pk=pk)


@login_required
@require_POST
def reasons_ask(request: HttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    _act(
        request,
        lambda: services.ask_reasons(actor=request.user, application=application),
        _("Your question has been sent. You will receive the reasons by e-mail."),
    )
    return redirect("selection:application_detail", pk=pk)


def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "selection/privacy.html")
