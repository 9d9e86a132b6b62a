from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from qme.accounts.models import User

from .models import Application, ApplicationStatus, Side


class ApplicationForm(forms.ModelForm):
    class Meta:
        model = Application
        fields = [
            "phone",
            "city",
            "master_field",
            "master_university",
            "master_date",
            "master_completed",
            "dutch_level",
            "dutch_evidence_kind",
            "dutch_certificate_date",
            "keep_for_a_year",
        ]
        widgets = {
            "master_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "dutch_certificate_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        help_texts = {
            "dutch_level": _("Common European Framework of Reference. B2+ is between B2 and C1."),
            "keep_for_a_year": _(
                "Without this, your data is deleted four weeks after the procedure ends. "
                "You can change your mind at any time."
            ),
        }


class DocumentForm(forms.Form):
    file = forms.FileField(
        label=_("PDF file"),
        help_text=_("PDF only, at most 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean_reason(self) -> str:
        value = self.cleaned_data["reason"].strip()
        if not value:
            raise forms.ValidationError(_("This field is required."))
        return value


class OptionalReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Reasons"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class CommitteeMemberForm(forms.Form):
    person = forms.ModelChoiceField(label=_("Person"), queryset=User.objects.none())
    side = forms.ChoiceField(label=_("Side"), choices=Side.choices)
    is_chair = forms.BooleanField(label=_("Chair of this side"), required=False)

    def __init__(self, *args, people=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if people is not None:
            self.fields["person"].queryset = people


class MoveForm(forms.Form):
    ACTIONS = [
        ("shortlist", _("Shortlist")),
        ("interview", _("Invite to an interview")),
        ("reject", _("Reject")),
    ]
    action = forms.ChoiceField(label=_("Action"), choices=ACTIONS)
    applications = forms.ModelMultipleChoiceField(
        label=_("Candidates"),
        queryset=Application.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    reason = forms.CharField(
        label=_("Reason (for a rejection)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    starts_at = forms.DateTimeField(
        label=_("Interview date and time"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"), required=False, min_value=10, max_value=480, initial=60
    )
    location = forms.CharField(label=_("Place or video link"), required=False, max_length=500)

    def __init__(self, *args, position=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if position is not None:
            self.fields["applications"].queryset = position.applications.exclude(
                status=ApplicationStatus.DRAFT
            )

    def clean(self) -> dict:
        data = super().clean() or {}
        action = data.get("action")
        if action == "reject" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Give the reason for the rejection."))
        if action == "interview":
            if not data.get("starts_at"):
                self.add_error("starts_at", _("Give the date and time of the interview."))
            if not (data.get("location") or "").strip():
                self.add_error("location", _("Give the place or the video link."))
            if not data.get("duration_minutes"):
                data["duration_minutes"] = 60
        return data


class DecisionForm(forms.Form):
    candidate = forms.ModelChoiceField(
        label=_("Offer the position to"), queryset=Application.objects.none()
    )
    reserves = forms.ModelMultipleChoiceField(
        label=_("Reserves, best first"),
        required=False,
        queryset=Application.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Ticked candidates become reserves in the order of the ranking."),
    )
    rationale = forms.CharField(
        label=_("Rationale"), max_length=10000, widget=forms.Textarea(attrs={"rows": 5})
    )
    offer_deadline = forms.DateField(
        label=_("The candidate answers by"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, candidates=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if candidates is not None:
            self.fields["candidate"].queryset = candidates
            self.fields["reserves"].queryset = candidates
