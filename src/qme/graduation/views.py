"""Graduation pages: the cases for the programme office and the examination board, with the
complete record in one view."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from qme.audit.services import record_event
from qme.core import kept, ratelimit
from qme.core.errors import ActionRefused
from qme.core.permissions import require, require_visible
from qme.feedback.models import Review
from qme.training import selectors as training_selectors
from qme.training.models import Traineeship

from . import documents, issuing, reasons, services
from .credentials import CredentialError, credential_from_bytes
from .models import CaseStatus, Diploma, GraduationCase, IssuerKey, StatusList

#: A diploma's public verification page (its main part, per diploma and person:
#: `qme.core.kept`): the diploma with its trainee, the issuer's keys and the status lists.
VERIFICATION = kept.KeptPage(
    "diploma-verification",
    (Diploma, Traineeship, IssuerKey, StatusList),
)


@login_required
def cases(request: HttpRequest) -> HttpResponse:
    require(request.user, "graduation.list_cases")
    return render(
        request,
        "graduation/cases.html",
        {
            "open": GraduationCase.objects.filter(status=CaseStatus.PROPOSED)
            .select_related("traineeship__trainee", "traineeship__hospital")
            .prefetch_related("votes"),
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
                    reason=request.POST.get("reason", ""),
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
    # The graduate finds their diplomas here, after graduating too (as do the supervisors, the
    # office and the board).
    own = request.user.has_perm("graduation.view_diplomas", traineeship)
    case = traineeship.graduation_cases.first()  # the latest
    return render(
        request,
        "graduation/requirements.html",
        {
            "traineeship": traineeship,
            "checks": checks,
            "passes": services.check_passes(checks),
            "can_propose": request.user.has_perm("graduation.propose"),
            "case": case,
            # After a "not yet" the trainee may be proposed again once the record passes.
            "case_open": case is not None and case.status != CaseStatus.NOT_YET,
            "diplomas": list(traineeship.diplomas.all()) if own else [],
        },
    )


# --- Diplomas ---


def _number(text: str) -> str:
    """A diploma number to look up: no diploma number holds a NUL byte (which PostgreSQL refuses
    in a query), so such text looks up nothing."""
    return "" if "\x00" in text else text[:32]


def _diploma(number: str) -> Diploma:
    if not _number(number):
        raise Http404
    return get_object_or_404(
        Diploma.objects.select_related(
            "traineeship__trainee",
            "traineeship__hospital",
            "traineeship__university",
            "replaced_by",
        ),
        number=number[:32],
    )


def _result_for(diploma: Diploma) -> dict:
    return reasons.result_context(issuing.verify_diploma(diploma.credential))


def public_diploma(request: HttpRequest, number: str) -> HttpResponse:
    """What the QR code opens: anyone, no sign-in. Checking the signature takes most of the
    time of the page, so the page is kept until the diploma, the keys or the status list
    change (`qme.core.kept`)."""
    if not ratelimit.allow(request, "verify", limit=60, per_seconds=60):
        return _too_many(request)

    def build():
        diploma = _diploma(number)
        context = {"diploma": diploma, "result": _result_for(diploma)}
        return "graduation/verify_main.html", context, _("Verify a QME diploma")

    return kept.respond(request, VERIFICATION.main(request, number, build))


def _too_many(request: HttpRequest) -> HttpResponse:
    context = {"error": _("Too many checks from your address. Wait a minute.")}
    return _verification(request, context, status=429)


def _verification(request: HttpRequest, context: dict, status: int = 200) -> HttpResponse:
    main = kept.render_main("graduation/verify_main.html", context, _("Verify a QME diploma"))
    return kept.respond(request, main, status=status)


@require_http_methods(["GET", "POST"])
def verify_page(request: HttpRequest) -> HttpResponse:
    """Check a diploma by its number or by an uploaded credential or PDF."""
    context: dict = {}
    if request.method == "POST" or request.GET.get("number"):
        if not ratelimit.allow(request, "verify", limit=60, per_seconds=60):
            return _too_many(request)
        number = (request.POST.get("number") or request.GET.get("number") or "").strip()
        upload = request.FILES.get("file")
        if upload is not None:
            if upload.size > 5 * 1024 * 1024:
                context["error"] = _("The file is larger than 5 MB.")
            else:
                try:
                    document = credential_from_bytes(upload.read())
                except CredentialError as error:
                    context["error"] = _("This file holds no readable credential.")
                    context["error_explained"] = reasons.explain([error.code])
                    context["error_detail"] = str(error)
                except (RecursionError, ValueError):  # JSON nested too deep, numbers too long
                    context["error"] = _("This file holds no readable credential.")
                    context["error_explained"] = reasons.explain(["not_json"])
                else:
                    result = issuing.verify_diploma(document)
                    context["result"] = reasons.result_context(result)
                    context["document"] = document
                    number = ""
                    diploma_id = (
                        str(document.get("id", "")).rstrip("/").rsplit("/", 1)[-1]
                        if isinstance(document, dict)
                        else ""
                    )
                    context["diploma"] = (
                        Diploma.objects.filter(number=_number(diploma_id)).first()
                        if _number(diploma_id)
                        else None
                    )
        elif number:
            found = Diploma.objects.filter(number__iexact=_number(number)).first()
            if found is None:
                context["error"] = _("There is no diploma with this number.")
            else:
                context["diploma"] = found
                context["result"] = _result_for(found)
        else:
            context["error"] = _("Give a diploma number or choose a file.")
    return _verification(request, context)


def issuer(request: HttpRequest) -> HttpResponse:
    from django.http import JsonResponse

    return JsonResponse(issuing.issuer_profile(), json_dumps_params={"indent": 2})


def status_list(request: HttpRequest) -> HttpResponse:
    from django.http import JsonResponse

    return JsonResponse(issuing.status_list_credential(), json_dumps_params={"indent": 2})


def register(request: HttpRequest) -> HttpResponse:
    graduates = (
        Diploma.objects.filter(in_register=True, revoked_at__isnull=True)
        .select_related("traineeship__hospital")
        .order_by("-issued_at")
    )
    return render(request, "graduation/register.html", {"graduates": graduates})


def _own_diploma(request: HttpRequest, number: str) -> Diploma:
    diploma = _diploma(number)
    require_visible(request.user, "graduation.view_diplomas", diploma.traineeship)
    return diploma


@login_required
@require_http_methods(["GET", "POST"])
def my_diploma(request: HttpRequest, number: str) -> HttpResponse:
    diploma = _own_diploma(request, number)
    if request.method == "POST" and diploma.traineeship.trainee_id == request.user.pk:
        diploma.in_register = request.POST.get("in_register") == "yes"
        diploma.save(update_fields=["in_register"])
        record_event(
            actor=request.user,
            action="diploma.register_choice",
            target=diploma,
            data={"in_register": diploma.in_register},
        )
        messages.success(request, _("Your choice has been saved."))
        return redirect("graduation:my_diploma", number=number)
    return render(
        request,
        "graduation/diploma.html",
        {
            "diploma": diploma,
            "result": _result_for(diploma),
            "can_revoke": request.user.has_perm("graduation.propose"),
        },
    )


@login_required
def diploma_file(request: HttpRequest, number: str, kind: str) -> HttpResponse:
    diploma = _own_diploma(request, number)
    if kind == "diploma":
        data, name, content_type = (
            documents.diploma_pdf(diploma),
            f"{diploma.number}.pdf",
            "application/pdf",
        )
    elif kind == "supplement":
        data, name, content_type = (
            documents.supplement_pdf(diploma),
            f"{diploma.number}-supplement.pdf",
            "application/pdf",
        )
    elif kind == "credential":
        import json

        data, name, content_type = (
            json.dumps(diploma.credential, indent=2).encode(),
            f"{diploma.number}.json",
            "application/ld+json",
        )
    else:
        raise Http404
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def diploma_revoke(request: HttpRequest, number: str) -> HttpResponse:
    diploma = _diploma(number)
    require(request.user, "graduation.propose")
    try:
        if request.POST.get("action") == "reissue":
            new = issuing.reissue(
                actor=request.user,
                diploma=diploma,
                reason=request.POST.get("reason", ""),
                holder_name=request.POST.get("holder_name", ""),
            )
            messages.success(request, _("Reissued as %(number)s.") % {"number": new.number})
            return redirect("graduation:my_diploma", number=new.number)
        issuing.revoke(actor=request.user, diploma=diploma, reason=request.POST.get("reason", ""))
        messages.success(request, _("The diploma has been revoked."))
    except ActionRefused as refusal:
        messages.error(request, refusal.message)
    return redirect("graduation:my_diploma", number=number)


@login_required
def statement(request: HttpRequest, pk: int) -> HttpResponse:
    traineeship = get_object_or_404(Traineeship, pk=pk)
    require_visible(request.user, "training.view_traineeship", traineeship)
    if traineeship.status != "discontinued":
        raise Http404
    response = HttpResponse(documents.statement_pdf(traineeship), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="qme-statement-{traineeship.pk}.pdf"'
    return response
