"""Organisation pages. The programme office manages them; others see their own."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from qme.core.errors import ActionRefused
from qme.core.pagination import paginate, querystring_without_page
from qme.core.permissions import require, require_visible

from . import selectors, services
from .forms import DepartmentForm, OrganisationFilterForm, OrganisationForm
from .models import Department, Organisation


def _get_organisation_for_user(request: HttpRequest, pk: int) -> Organisation:
    organisation = get_object_or_404(Organisation, pk=pk)
    require_visible(request.user, "organisations.view_organisation", organisation)
    return organisation


@login_required
def organisation_list(request: HttpRequest) -> HttpResponse:
    form = OrganisationFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    organisations = selectors.organisation_list(
        request.user,
        query=filters.get("q", ""),
        kind=filters.get("kind", ""),
        region=filters.get("region", ""),
        active=filters.get("active", ""),
    )
    page = paginate(request, organisations)
    template = "organisations/list.html"
    if request.htmx and not request.htmx.boosted:
        template += "#results"
    return render(
        request,
        template,
        {
            "form": form,
            "page": page,
            "querystring": querystring_without_page(request),
            "can_manage": request.user.has_perm("organisations.manage_organisations"),
        },
    )


@login_required
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = _get_organisation_for_user(request, pk)
    return render(
        request,
        "organisations/detail.html",
        {
            "organisation": organisation,
            "departments": selectors.departments_of(organisation),
            "roles": selectors.roles_at(organisation),
            "can_manage": request.user.has_perm("organisations.manage_organisations"),
            "can_view_trail": request.user.has_perm("audit.view_trail"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def organisation_create(request: HttpRequest) -> HttpResponse:
    require(request.user, "organisations.manage_organisations")
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.create_organisation(actor=request.user, **form.cleaned_data)
        except ActionRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, _("%(name)s has been added.") % {"name": organisation.name})
            return redirect("organisations:detail", pk=organisation.pk)
    return render(request, "organisations/form.html", {"form": form, "organisation": None})


@login_required
@require_http_methods(["GET", "POST"])
def organisation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = _get_organisation_for_user(request, pk)
    require(request.user, "organisations.manage_organisations")
    form = OrganisationForm(request.POST or None, instance=Organisation.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_organisation(
                actor=request.user, organisation=organisation, changes=form.cleaned_data
            )
        except ActionRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, _("Your changes have been saved."))
            return redirect("organisations:detail", pk=organisation.pk)
    return render(request, "organisations/form.html", {"form": form, "organisation": organisation})


@login_required
@require_http_methods(["GET", "POST"])
def department_create(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = _get_organisation_for_user(request, pk)
    require(request.user, "organisations.manage_organisations")
    form = DepartmentForm(request.POST or None, initial={"is_active": True})
    if request.method == "POST" and form.is_valid():
        try:
            services.create_department(
                actor=request.user, organisation=organisation, name=form.cleaned_data["name"]
            )
        except ActionRefused as refusal:
            form.add_error("name", refusal.message)
        else:
            messages.success(request, _("The department has been added."))
            return redirect("organisations:detail", pk=organisation.pk)
    return render(
        request,
        "organisations/department_form.html",
        {"form": form, "organisation": organisation, "department": None},
    )


@login_required
@require_http_methods(["GET", "POST"])
def department_edit(request: HttpRequest, pk: int, department_pk: int) -> HttpResponse:
    organisation = _get_organisation_for_user(request, pk)
    require(request.user, "organisations.manage_organisations")
    department = get_object_or_404(Department, pk=department_pk, organisation=organisation)
    form = DepartmentForm(request.POST or None, instance=Department.objects.get(pk=department.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_department(
                actor=request.user,
                department=department,
                name=form.cleaned_data["name"],
                is_active=form.cleaned_data["is_active"],
            )
        except ActionRefused as refusal:
            form.add_error("name", refusal.message)
        else:
            messages.success(request, _("Your changes have been saved."))
            return redirect("organisations:detail", pk=organisation.pk)
    return render(
        request,
        "organisations/department_form.html",
        {"form": form, "organisation": organisation, "department": department},
    )
