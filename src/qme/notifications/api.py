"""API for notifications: a person lists their own, marks one or all read, and sets their
e-mail choice; the programme office lists failed e-mails and retries them."""

import datetime as dt

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from qme.api.schemas import ErrorOut
from qme.core.permissions import require, require_visible

from . import selectors, services
from .models import EmailChoice, EmailDelivery, EmailStatus, Notification

router = Router(tags=["notifications"])


class NotificationOut(Schema):
    id: int
    kind: str
    title: str
    text: str
    link: str
    created_at: dt.datetime
    read_at: dt.datetime | None
    emailed_at: dt.datetime | None
    in_digest: bool


class NotificationFilters(Schema):
    unread: bool = False


class CountOut(Schema):
    unread: int


class MarkedOut(Schema):
    marked: int


class EmailChoiceIn(Schema):
    email: EmailChoice


class EmailChoiceOut(Schema):
    email: str


class DeliveryOut(Schema):
    id: int
    to: str
    subject: str
    status: EmailStatus
    attempts: int
    last_error: str
    created_at: dt.datetime
    last_attempt_at: dt.datetime | None
    sent_at: dt.datetime | None
    attachments: list[str]

    @staticmethod
    def resolve_attachments(obj: EmailDelivery) -> list[str]:
        return [a.name for a in obj.attachments.all()]


@router.get("/notifications", response=list[NotificationOut])
@paginate
def list_notifications(request: HttpRequest, filters: Query[NotificationFilters]):
    """Your own notifications, newest first."""
    notifications = selectors.notifications_of(request.auth)
    if filters.unread:
        notifications = notifications.filter(read_at__isnull=True)
    return notifications


@router.get("/notifications/unread-count", response=CountOut)
def unread_count(request: HttpRequest):
    return {"unread": selectors.unread_count(request.auth)}


@router.post("/notifications/read-all", response=MarkedOut)
def read_all(request: HttpRequest):
    return {"marked": services.mark_all_read(actor=request.auth)}


@router.get("/notifications/email-choice", response=EmailChoiceOut)
def get_email_choice(request: HttpRequest):
    return {"email": services.email_choice(request.auth)}


@router.put("/notifications/email-choice", response=EmailChoiceOut)
def set_email_choice(request: HttpRequest, payload: EmailChoiceIn):
    row = services.set_email_choice(actor=request.auth, choice=payload.email)
    return {"email": row.email}


@router.get("/notifications/{pk}", response={200: NotificationOut, 404: ErrorOut})
def get_notification(request: HttpRequest, pk: int):
    notification = get_object_or_404(Notification, pk=pk)
    require_visible(request.auth, "notifications.view_notification", notification)
    return notification


@router.post("/notifications/{pk}/read", response={200: NotificationOut, 404: ErrorOut})
def read_notification(request: HttpRequest, pk: int):
    notification = get_object_or_404(Notification, pk=pk)
    return services.mark_read(actor=request.auth, notification=notification)


@router.get("/email-deliveries/failed", response={200: list[DeliveryOut], 403: ErrorOut})
@paginate
def failed_deliveries(request: HttpRequest):
    require(request.auth, "notifications.view_deliveries")
    return selectors.failed_deliveries()


@router.post(
    "/email-deliveries/{pk}/retry",
    response={200: DeliveryOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
)
def retry_delivery(request: HttpRequest, pk: int):
    require(request.auth, "notifications.retry_delivery")
    delivery = get_object_or_404(EmailDelivery, pk=pk)
    return services.retry_delivery(actor=request.auth, delivery=delivery)
