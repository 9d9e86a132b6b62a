"""Browsing the audit trail: everything, per object, and per person (programme office)."""

from __future__ import annotations

from auditlog.models import LogEntry
from django import forms
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _

from qme.accounts.models import User
from qme.core.pagination import paginate, querystring_without_page
from qme.core.permissions import require

from .models import AuditEvent


class TrailFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    action = forms.CharField(label=_("Action"), required=False, max_length=80)


@login_required
def trail(request: HttpRequest) -> HttpResponse:
    require(request.user, "audit.view_trail")
    form = TrailFilterForm(request.GET or None)
    events = AuditEvent.objects.select_related("target_type")
    if form.is_valid():
        if query := form.cleaned_data["q"]:
            events = events.filter(
                Q(actor_label__icontains=query) | Q(target_label__icontains=query)
            )
        if action := form.cleaned_data["action"]:
            events = events.filter(action__startswith=action)
    page = paginate(request, events, per_page=50)
    return render(
        request,
        "audit/trail.html",
        {"form": form, "page": page, "querystring": querystring_without_page(request)},
    )


@login_required
def object_trail(request: HttpRequest, content_type_id: int, object_id: str) -> HttpResponse:
    require(request.user, "audit.view_trail")
    content_type = get_object_or_404(ContentType, pk=content_type_id)
    model = content_type.model_class()
    if model is None:
        raise Http404
    target = model._default_manager.filter(pk=object_id).first() if object_id.isdigit() else None
    events = AuditEvent.objects.filter(
        target_type=content_type, target_id=object_id
    ).select_related("target_type")[:200]
    changes = (
        LogEntry.objects.filter(content_type=content_type, object_pk=object_id)
        .select_related("actor", "content_type")
        .order_by("-timestamp")[:200]
    )
    return render(
        request,
        "audit/object.html",
        {
            "target": target,
            "target_label": str(target) if target else f"{content_type.name} #{object_id}",
            "events": events,
            "changes": changes,
        },
    )


@login_required
def person_trail(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "audit.view_trail")
    person = get_object_or_404(User, pk=pk)
    user_type = ContentType.objects.get_for_model(User)
    done_by = AuditEvent.objects.filter(actor=person).select_related("target_type")[:200]
    about = AuditEvent.objects.filter(
        target_type=user_type, target_id=str(person.pk)
    ).select_related("target_type")[:200]
    changes = (
        LogEntry.objects.filter(actor=person)
        .select_related("content_type", "actor")
        .order_by("-timestamp")[:200]
    )
    return render(
        request,
        "audit/person.html",
        {"person": person, "done_by": done_by, "about": about, "changes": changes},
    )
