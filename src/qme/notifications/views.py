"""Notification pages: each person's own list (mark one or all read, open one), and the e-mail
deliveries that failed, for the programme office."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from qme.core.errors import ActionRefused
from qme.core.pagination import paginate
from qme.core.permissions import require, require_visible

from . import selectors, services
from .models import EmailChoice, EmailDelivery, Notification


def _own(request: HttpRequest, pk: int) -> Notification:
    notification = get_object_or_404(Notification, pk=pk)
    require_visible(request.user, "notifications.view_notification", notification)
    return notification


@login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    notifications = selectors.notifications_of(request.user)
    if request.GET.get("show") == "unread":
        notifications = notifications.filter(read_at__isnull=True)
    return render(
        request,
        "notifications/list.html",
        {
            "page": paginate(request, notifications),
            "show": request.GET.get("show", ""),
            "email_choice": services.email_choice(request.user),
        },
    )


@login_required
@require_GET
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Follow a notification's link; opening it marks it read."""
    notification = services.mark_read(actor=request.user, notification=_own(request, pk))
    link = notification.link
    if not url_has_allowed_host_and_scheme(link, allowed_hosts=None) or not link.startswith("/"):
        link = "/"
    return redirect(link)


@login_required
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    notification = services.mark_read(actor=request.user, notification=_own(request, pk))
    if request.htmx:
        return render(
            request, "notifications/_item.html", {"notification": notification, "oob_count": True}
        )
    return redirect("notifications:list")


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    count = services.mark_all_read(actor=request.user)
    if count:
        messages.success(request, _("All notifications are marked read."))
    else:
        messages.info(request, _("There were no unread notifications."))
    return redirect("notifications:list")


@login_required
@require_POST
def email_choice(request: HttpRequest) -> HttpResponse:
    try:
        services.set_email_choice(actor=request.user, choice=request.POST.get("email", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if request.POST.get("email") == EmailChoice.DIGEST:
            messages.success(request, _("You will get one e-mail a day with your notifications."))
        else:
            messages.success(request, _("You will get an e-mail for each notification."))
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "notifications:list"
    return redirect(target)


@login_required
@require_GET
def deliveries(request: HttpRequest) -> HttpResponse:
    require(request.user, "notifications.view_deliveries")
    return render(
        request,
        "notifications/deliveries.html",
        {"page": paginate(request, selectors.failed_deliveries()), **selectors.delivery_counts()},
    )


@login_required
@require_http_methods(["POST"])
def delivery_retry(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "notifications.retry_delivery")
    delivery = get_object_or_404(EmailDelivery, pk=pk)
    try:
        services.retry_delivery(actor=request.user, delivery=delivery)
    except ActionRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("The e-mail to %(to)s is queued again.") % {"to": delivery.to})
    return redirect("notifications:deliveries")


@login_required
@require_POST
def delivery_retry_all(request: HttpRequest) -> HttpResponse:
    require(request.user, "notifications.retry_delivery")
    count = services.retry_all_failed(actor=request.user)
    if count:
        messages.success(
            request,
            ngettext(
                "%(count)s e-mail is queued again.", "%(count)s e-mails are queued again.", count
            )
            % {"count": count},
        )
    else:
        messages.info(request, _("There were no failed e-mails to retry."))
    return redirect("notifications:deliveries")
