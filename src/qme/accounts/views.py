"""People pages (programme office; coordinators see their hospital's people), and each
person's own profile and API tokens."""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from qme.core.errors import ActionRefused
from qme.core.pagination import paginate, querystring_without_page
from qme.core.permissions import require, require_visible
from qme.organisations import roles, selectors
from qme.organisations import services as organisation_services
from qme.organisations.forms import (
    DeactivateForm,
    EndRoleForm,
    PersonFilterForm,
    PersonForm,
    RoleForm,
)
from qme.organisations.models import Role

from . import services
from .forms import ApiTokenForm, ProfileForm
from .models import ApiToken, User


def _get_person_for_user(request: HttpRequest, pk: int) -> User:
    person = get_object_or_404(User, pk=pk)
    require_visible(request.user, "accounts.view_person", person)
    return person


@login_required
def person_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not (
        user.has_perm("accounts.manage_people")
        or roles.organisation_ids(user, "hospital_coordinator")
    ):
        raise PermissionDenied
    form = PersonFilterForm(
        request.GET or None, organisations=selectors.organisations_visible_to(user).order_by("name")
    )
    filters = form.cleaned_data if form.is_valid() else {}
    organisation = filters.get("organisation")
    people = selectors.people_list(
        user,
        query=filters.get("q", ""),
        organisation_id=organisation.pk if organisation else None,
        role=filters.get("role", ""),
        active=filters.get("active", ""),
    )
    page = paginate(request, people)
    template = "people/list.html"
    if request.htmx and not request.htmx.boosted:
        template += "#results"
    return render(
        request,
        template,
        {
            "form": form,
            "page": page,
            "querystring": querystring_without_page(request),
            "can_manage": user.has_perm("accounts.manage_people"),
        },
    )


@login_required
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = _get_person_for_user(request, pk)
    can_manage = request.user.has_perm("accounts.manage_people")
    return render(
        request,
        "people/detail.html",
        {
            "person": person,
            "roles": selectors.roles_of(person, viewer=request.user),
            "can_manage": can_manage,
            "role_form": RoleForm() if can_manage else None,
            "can_view_trail": request.user.has_perm("audit.view_trail"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def person_create(request: HttpRequest) -> HttpResponse:
    require(request.user, "accounts.manage_people")
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.create_person(actor=request.user, **form.cleaned_data)
        except ActionRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(
                request,
                _("%(name)s has been added and invited by e-mail to choose a password.")
                % {"name": person.full_name},
            )
            return redirect("people:detail", pk=person.pk)
    return render(request, "people/form.html", {"form": form, "person": None})


@login_required
@require_http_methods(["GET", "POST"])
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = _get_person_for_user(request, pk)
    require(request.user, "accounts.manage_people")
    form = PersonForm(request.POST or None, instance=User.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_person(actor=request.user, person=person, changes=form.cleaned_data)
        except ActionRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, _("Your changes have been saved."))
            return redirect("people:detail", pk=person.pk)
    return render(request, "people/form.html", {"form": form, "person": person})


@login_required
@require_http_methods(["GET", "POST"])
def person_set_active(request: HttpRequest, pk: int) -> HttpResponse:
    person = _get_person_for_user(request, pk)
    require(request.user, "accounts.manage_people")
    form = DeactivateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_person_active(
                actor=request.user,
                person=person,
                active=not person.is_active,
                reason=form.cleaned_data["reason"],
            )
        except ActionRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, _("Your changes have been saved."))
            return redirect("people:detail", pk=person.pk)
    return render(request, "people/set_active.html", {"form": form, "person": person})


@login_required
@require_POST
def role_assign(request: HttpRequest, pk: int) -> HttpResponse:
    person = _get_person_for_user(request, pk)
    require(request.user, "accounts.manage_people")
    form = RoleForm(request.POST)
    if form.is_valid():
        try:
            organisation_services.assign_role(
                actor=request.user,
                person=person,
                organisation=form.cleaned_data["organisation"],
                kind=form.cleaned_data["kind"],
                department=form.cleaned_data["department"],
                starts_on=form.cleaned_data["starts_on"],
                ends_on=form.cleaned_data["ends_on"],
            )
        except ActionRefused as refusal:
            form.add_error(None, refusal.message)
        except ValidationError as error:  # role kind does not fit the organisation kind
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("The role has been assigned."))
            return redirect("people:detail", pk=person.pk)
    return render(
        request,
        "people/detail.html",
        {
            "person": person,
            "roles": selectors.roles_of(person, viewer=request.user),
            "can_manage": True,
            "role_form": form,
            "can_view_trail": request.user.has_perm("audit.view_trail"),
        },
        status=422,
    )


@login_required
@require_http_methods(["GET", "POST"])
def role_end(request: HttpRequest, pk: int, role_pk: int) -> HttpResponse:
    person = _get_person_for_user(request, pk)
    require(request.user, "accounts.manage_people")
    role = get_object_or_404(Role.objects.select_related("organisation"), pk=role_pk, user=person)
    form = EndRoleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organisation_services.end_role(
                actor=request.user, role=role, reason=form.cleaned_data["reason"]
            )
        except ActionRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, _("The role has ended."))
            return redirect("people:detail", pk=person.pk)
    return render(request, "people/end_role.html", {"form": form, "person": person, "role": role})


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = ProfileForm(request.POST or None, instance=User.objects.get(pk=user.pk))
    if request.method == "POST" and form.is_valid():
        services.update_person(actor=user, person=user, changes=form.cleaned_data)
        messages.success(request, _("Your changes have been saved."))
        response = redirect("profile")
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            user.language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )
        return response
    return render(
        request,
        "accounts/profile.html",
        {"form": form, "roles": selectors.roles_of(user, viewer=user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def api_tokens(request: HttpRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST or None)
    new_secret = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, new_secret = services.create_api_token(
                user=request.user, name=form.cleaned_data["name"]
            )
        except ActionRefused as refusal:
            form.add_error("name", refusal.message)
        else:
            form = ApiTokenForm()
    return render(
        request,
        "accounts/api_tokens.html",
        {
            "form": form,
            "tokens": ApiToken.objects.filter(user=request.user),
            "new_secret": new_secret,
        },
        status=422 if form.errors else 200,
    )


@login_required
@require_POST
def api_token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    services.revoke_api_token(user=request.user, token=token)
    messages.success(request, _("The token has been revoked. It no longer works."))
    return redirect("api_tokens")


@require_http_methods(["GET", "POST"])
def session_status(request: HttpRequest) -> HttpResponse:
    """Whether the browser is still signed in and how many seconds the session has left, so a
    page can warn before it ends. Reading it (GET) is not activity; POST ("stay signed in")
    is. A GET costs one query (the person) when sessions are kept in the cache."""
    if not request.user.is_authenticated:
        response = JsonResponse({"signed_in": False})
    else:
        if request.method == "POST":
            services.touch_session(request.session, force=True)
        response = JsonResponse(
            {
                "signed_in": True,
                "seconds_left": request.session.get_expiry_age(),
                "warn_seconds": settings.SESSION_WARNING_SECONDS,
            }
        )
    response["Cache-Control"] = "no-store"
    return response


def _signed_in_json(request: HttpRequest) -> JsonResponse | None:
    if not request.user.is_authenticated:
        return JsonResponse({"detail": _("Sign in first."), "code": "not_signed_in"}, status=401)
    return None


@require_http_methods(["GET", "POST"])
def drafts(request: HttpRequest) -> HttpResponse:
    """GET ?key=/page/: the person's draft of the form on that page; POST key, data (JSON):
    keep it. Only the person's own drafts exist for them."""
    if refusal := _signed_in_json(request):
        return refusal
    try:
        if request.method == "GET":
            draft = services.get_draft(user=request.user, key=request.GET.get("key", ""))
            return JsonResponse({"data": draft.data if draft else None})
        try:
            data = json.loads(request.POST.get("data", ""))
        except ValueError:
            return JsonResponse(
                {"detail": _("The draft is not readable."), "code": "invalid"}, status=422
            )
        services.save_draft(user=request.user, key=request.POST.get("key", ""), data=data)
    except ValidationError as error:
        return JsonResponse({"detail": " ".join(error.messages), "code": "invalid"}, status=422)
    return JsonResponse({"saved": True})


@require_POST
def draft_discard(request: HttpRequest) -> HttpResponse:
    if refusal := _signed_in_json(request):
        return refusal
    try:
        deleted = services.discard_draft(user=request.user, key=request.POST.get("key", ""))
    except ValidationError as error:
        return JsonResponse({"detail": " ".join(error.messages), "code": "invalid"}, status=422)
    return JsonResponse({"discarded": bool(deleted)})
