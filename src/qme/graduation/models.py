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
