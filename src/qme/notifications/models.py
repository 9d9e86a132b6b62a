"""Notifications in the app, each person's choice of immediate e-mail or a daily digest, and a
record of every e-mail the system sends."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class EmailChoice(models.TextChoices):
    IMMEDIATE = "immediate", _("An e-mail for each notification")
    DIGEST = "digest", _("One e-mail a day with all new notifications")


class NotificationSettings(models.Model):
    """A person's choice; a person without a row gets immediate e-mail."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_settings"
    )
    email = models.CharField(
        _("e-mail"), max_length=16, choices=EmailChoice.choices, default=EmailChoice.IMMEDIATE
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.user_id}: {self.email}"


class EmailStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")


class EmailDelivery(models.Model):
    """One e-mail as rendered, kept so that its delivery can be followed and retried. Attachments
    are files beside it (EmailAttachment), never bytes in this row."""

    #: The person it was sent to, when it was sent to someone with an account; deleting the
    #: person deletes the record of their e-mail.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="email_deliveries",
    )
    to = models.CharField(_("to"), max_length=254)
    from_email = models.CharField(max_length=254, blank=True)
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField()
    html = models.TextField(blank=True)
    template = models.CharField(max_length=64, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=EmailStatus.choices, default=EmailStatus.QUEUED
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "-created_at"], name="emaildelivery_status")]

    def __str__(self) -> str:
        return f"{self.to}: {self.subject}"


def _attachment_path(instance: EmailAttachment, filename: str) -> str:
    return f"email-attachments/{instance.delivery_id}/{filename}"


class EmailAttachment(models.Model):
    delivery = models.ForeignKey(
        EmailDelivery, on_delete=models.CASCADE, related_name="attachments"
    )
    name = models.CharField(max_length=200)
    mimetype = models.CharField(max_length=100)
    #: Text content (an .ics invitation, a JSON credential), stored UTF-8 and attached as text.
    is_text = models.BooleanField(default=False)
    file = models.FileField(upload_to=_attachment_path, max_length=300)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class Notification(models.Model):
    """Something that asks a person's attention, with a direct link to where it is done."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=64)
    title = models.CharField(_("title"), max_length=300)
    text = models.TextField(_("text"), blank=True)
    link = models.CharField(_("link"), max_length=500)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    #: Waits for (or went out in) the person's daily digest rather than an e-mail of its own.
    in_digest = models.BooleanField(default=False)
    #: The e-mail that carried it: its own, or the digest that listed it.
    email = models.ForeignKey(
        EmailDelivery,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notifications",
    )
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_recipient"),
            models.Index(
                fields=["recipient"],
                condition=Q(read_at__isnull=True),
                name="notification_unread",
            ),
            models.Index(
                fields=["recipient", "created_at"],
                condition=Q(in_digest=True, emailed_at__isnull=True),
                name="notification_digest_pending",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


@receiver(post_delete, sender=EmailAttachment)
def _delete_attachment_file(sender, instance: EmailAttachment, **kwargs) -> None:
    """The file goes with its row, however the row is deleted (erasure, pruning, a person)."""
    if instance.file:
        instance.file.delete(save=False)
