"""Pages of each person's own data: "Your data" for everyone, and for the programme office a
person's data, the export of any trainee's record, and erasure."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from qme.accounts.models import User
from qme.core.errors import ActionRefused
from qme.core.pagination import paginate, querystring_without_page
from qme.core.permissions import require, require_visible
from qme.training.models import Traineeship
from qme.training.privacy import with_record

from . import services
from .forms import ErasureForm, PeopleSearchForm
from .models import Erasure


def _zip(archive, name: str) -> FileResponse:
    response = FileResponse(archive, as_attachment=True, filename=name)
    response["Content-Type"] = "application/zip"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


def _today() -> str:
    return f"{timezone.localdate():%Y-%m-%d}"


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "privacy/mine.html",
        {
            "categories": services.categories(services.summary(user)),
            "traineeships": Traineeship.objects.filter(trainee=user)
            .select_related("hospital")
            .order_by("start_date"),
        },
    )


@login_required
@require_POST
def download_mine(request: HttpRequest) -> HttpResponse:
    archive = services.access_archive(actor=request.user, person=request.user)
    return _zip(archive, f"qme-personal-data-{_today()}.zip")


@login_required
@require_POST
def export_record(request: HttpRequest, pk: int) -> HttpResponse:
    traineeship = get_object_or_404(Traineeship, pk=pk)
    require_visible(request.user, "training.view_traineeship", traineeship)
    require(request.user, "privacy.export_record", traineeship)
    full = with_record(Traineeship.objects.filter(pk=pk)).get()
    archive = services.record_archive(actor=request.user, traineeship=full)
    return _zip(archive, f"qme-record-{pk}-{_today()}.zip")


@login_required
def people(request: HttpRequest) -> HttpResponse:
    require(request.user, "privacy.manage")
    form = PeopleSearchForm(request.GET or None)
    found = User.objects.none()
    if form.is_valid() and (query := form.cleaned_data["q"]):
        found = User.objects.filter(
            Q(full_name__icontains=query) | Q(email__icontains=query)
        ).order_by("full_name", "email")
    return render(
        request,
        "privacy/people.html",
        {
            "form": form,
            "page": paginate(request, found),
            "querystring": querystring_without_page(request),
        },
    )


def _person(request: HttpRequest, pk: int) -> User:
    require(request.user, "privacy.manage")
    return get_object_or_404(User, pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def person(request: HttpRequest, pk: int) -> HttpResponse:
    subject = _person(request, pk)
    erasure = Erasure.objects.filter(person=subject).select_related("erased_by").first()
    form = ErasureForm(request.POST or None)
    if request.method == "POST" and erasure is not None:
        # A second click of the same erasure: it has happened, once.
        messages.info(request, _("This person has already been erased."))
        return redirect("privacy:person", pk=pk)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.erase(
                    actor=request.user,
                    person=subject,
                    reason=form.cleaned_data["reason"],
                    confirmation=form.cleaned_data["confirmation"],
                )
            except ActionRefused as refusal:
                form.add_error(None, refusal.message)
            else:
                messages.success(request, _("The person has been erased."))
                return redirect("privacy:person", pk=pk)
        status = 400
    else:
        status = 200
    blockers = [] if erasure else services.erasure_blockers(subject)
    return render(
        request,
        "privacy/person.html",
        {
            "subject": subject,
            "erasure": erasure,
            "categories": services.categories(services.summary(subject)),
            "blockers": blockers,
            "form": form,
            "traineeships": Traineeship.objects.filter(trainee=subject)
            .select_related("hospital")
            .order_by("start_date"),
        },
        status=status,
    )


@login_required
@require_POST
def person_download(request: HttpRequest, pk: int) -> HttpResponse:
    subject = _person(request, pk)
    archive = services.access_archive(actor=request.user, person=subject)
    return _zip(archive, f"qme-personal-data-{subject.pk}-{_today()}.zip")
