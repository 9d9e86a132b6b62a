"""Graduation: the proposal of a trainee whose record meets the requirements, and the
examination board's decision with each member's vote."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qme.training.models import Traineeship


class CaseStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed to the examination board")
    GRANTED = "granted", _("Granted")
    NOT_YET = "not_yet", _("Not yet")


class GraduationCase(models.Model):
    traineeship = models.ForeignKey(
        Traineeship, on_delete=models.CASCADE, related_name="graduation_cases"
    )
    status = models.CharField(
        max_length=20, choices=CaseStatus.choices, default=CaseStatus.PROPOSED
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(default=timezone.now)
    #: The requirements check as it stood when proposed, kept with the decision.
    check_snapshot = models.JSONField(default=list)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reasons = models.TextField(_("reasons"), blank=True, max_length=10000)

    class Meta:
        ordering = ["-proposed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["traineeship"],
                condition=models.Q(status="proposed"),
                name="one_open_graduation_case",
            )
        ]

    def __str__(self) -> str:
        return f"{self.traineeship} — {self.get_status_display()}"


class Vote(models.TextChoices):
    GRANT = "grant", _("Grant")
    NOT_YET = "not_yet", _("Not yet")


class BoardVote(models.Model):
    case = models.ForeignKey(GraduationCase, on_delete=models.CASCADE, related_name="votes")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    vote = models.CharField(max_length=10, choices=Vote.choices)
    reason = models.TextField(_("reason"), blank=True, max_length=5000)
    voted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["voted_at"]
        constraints = [
            models.UniqueConstraint(fields=["case", "member"], name="one_vote_per_member")
        ]

    def __str__(self) -> str:
        return f"{self.member}: {self.vote}"


class IssuerKey(models.Model):
    """A signing key of the issuer. The public half is published at the issuer's id; old keys
    stay published after a rotation, so that earlier diplomas stay verifiable. The private half
    lives outside the database (see issuing.signing_key)."""

    key_id = models.CharField(max_length=64, unique=True)
    public_multikey = models.CharField(max_length=100)
    active = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["active"], condition=models.Q(active=True), name="one_active_issuer_key"
            )
        ]

    def __str__(self) -> str:
        return self.key_id


class StatusList(models.Model):
    """The revocation bitstring, and its signed BitstringStatusListCredential as served."""

    bits = models.BinaryField(default=bytes(16 * 1024))
    next_index = models.PositiveIntegerField(default=0)
    credential = models.JSONField(default=dict)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"status list {self.pk}"


class Diploma(models.Model):
    traineeship = models.ForeignKey(Traineeship, on_delete=models.PROTECT, related_name="diplomas")
    case = models.ForeignKey(GraduationCase, on_delete=models.PROTECT, related_name="diplomas")
    number = models.CharField(_("diploma number"), max_length=32, unique=True)
    holder_name = models.CharField(_("holder"), max_length=200)
    issued_at = models.DateTimeField(_("issued"), default=timezone.now)
    status_index = models.PositiveIntegerField(unique=True)
    credential = models.JSONField()
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_reason = models.TextField(_("reason of the revocation"), blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    replaced_by = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="replaces"
    )
    in_register = models.BooleanField(
        _("listed in the public register of graduates"), default=False
    )

    class Meta:
        ordering = ["-issued_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["traineeship"],
                condition=models.Q(revoked_at__isnull=True),
                name="one_valid_diploma",
            )
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
