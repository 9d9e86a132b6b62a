"""Forms only clean input; services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from qme.accounts.models import User
from qme.organisations.models import Department, Organisation, Region, Role, RoleKind

from .models import Position, PositionRequest, RequestStatus


def _people_of(hospital: Organisation, kind: str):
    return User.objects.filter(
        pk__in=Role.objects.current().filter(organisation=hospital, kind=kind).values("user_id"),
        is_active=True,
    ).order_by("full_name")


class RequestForm(forms.ModelForm):
    """A request can be saved incomplete, as a draft; completeness is checked on submission."""

    class Meta:
        model = PositionRequest
        fields = [
            "department",
            "title",
            "clinical_problem",
            "project_outline",
            "expected_result",
            "medical_doctor",
            "hospital_supervisor",
            "intended_start",
            "commits_employment",
            "commits_funding",
            "commits_workplace",
            "training_climate",
        ]
        widgets = {
            "intended_start": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "clinical_problem": forms.Textarea(attrs={"rows": 4}),
            "project_outline": forms.Textarea(attrs={"rows": 6}),
            "expected_result": forms.Textarea(attrs={"rows": 3}),
            "training_climate": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, hospital: Organisation, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(
            organisation=hospital, is_active=True
        )
        self.fields["medical_doctor"].queryset = _people_of(hospital, RoleKind.MEDICAL_DOCTOR)
        self.fields["hospital_supervisor"].queryset = _people_of(
            hospital, RoleKind.HOSPITAL_SUPERVISOR
        )
        self.fields["medical_doctor"].help_text = _(
            "Not in the list? Invite the doctor below; they get an account."
        )
        self.fields["hospital_supervisor"].help_text = _(
            "Not in the list? Invite the supervisor below; they get an account."
        )
        for name in ("title",):
            self.fields[name].required = True

    def clean_title(self) -> str:
        return self.cleaned_data["title"].strip()


class InviteForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Role"),
        choices=[
            (RoleKind.MEDICAL_DOCTOR, RoleKind.MEDICAL_DOCTOR.label),
            (RoleKind.HOSPITAL_SUPERVISOR, RoleKind.HOSPITAL_SUPERVISOR.label),
        ],
    )
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    language = forms.ChoiceField(label=_("Language"), choices=User.Language.choices)


class AttachmentForm(forms.Form):
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


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Comment"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    reply_to = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def clean_body(self) -> str:
        value = self.cleaned_data["body"].strip()
        if not value:
            raise forms.ValidationError(_("This field is required."))
        return value


class ChangeRequestForm(forms.Form):
    comment = forms.CharField(
        label=_("What should change"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The coordinator sees this, answers it, and resubmits the request."),
    )


class ApproveForm(forms.Form):
    university = forms.ModelChoiceField(
        label=_("Responsible university"), queryset=Organisation.objects.universities().active()
    )
    university_supervisor = forms.ModelChoiceField(
        label=_("University supervisor"), queryset=User.objects.none()
    )
    reason = forms.CharField(
        label=_("Remarks"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Worked out per form, never at import: "current" means today, and a server runs for days.
        self.fields["university_supervisor"].queryset = User.objects.filter(
            pk__in=Role.objects.current()
            .filter(kind=RoleKind.UNIVERSITY_SUPERVISOR)
            .values("user_id"),
            is_active=True,
        ).order_by("full_name")


class DeclineForm(ReasonForm):
    pass


class RequestFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All statuses")), *RequestStatus.choices]
    )
    hospital = forms.ModelChoiceField(
        label=_("Hospital"),
        required=False,
        queryset=Organisation.objects.none(),
        empty_label=_("All hospitals"),
    )
    region = forms.ChoiceField(
        label=_("Province"), required=False, choices=[("", _("All provinces")), *Region.choices]
    )
    submitted_from = forms.DateField(
        label=_("Submitted from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    submitted_until = forms.DateField(
        label=_("Submitted until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, hospitals=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if hospitals is not None:
            self.fields["hospital"].queryset = hospitals


class PositionForm(forms.ModelForm):
    class Meta:
        model = Position
        fields = [
            "title_nl",
            "title_en",
            "description_nl",
            "description_en",
            "requirements_nl",
            "requirements_en",
            "start_date",
            "application_deadline",
            "contact_name",
            "contact_email",
            "required_dutch_level",
        ]
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "application_deadline": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "description_nl": forms.Textarea(attrs={"rows": 6}),
            "description_en": forms.Textarea(attrs={"rows": 6}),
            "requirements_nl": forms.Textarea(attrs={"rows": 3}),
            "requirements_en": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.status != "draft":
            self.fields["application_deadline"].disabled = True
            self.fields["application_deadline"].help_text = _(
                "Use “Extend deadline” to change the deadline of a published position."
            )
        # Left out of the form (an older client), the level stays as it is.
        self.fields["required_dutch_level"].required = False

    def clean_required_dutch_level(self) -> str:
        return self.cleaned_data["required_dutch_level"] or self.instance.required_dutch_level

    def clean(self) -> dict:
        # Said here in words, at the field, rather than as the database constraint's name.
        super().clean()
        cleaned = self.cleaned_data
        start, deadline = cleaned.get("start_date"), cleaned.get("application_deadline")
        if start and deadline and deadline > start:
            field = (
                "start_date"
                if self.fields["application_deadline"].disabled
                else "application_deadline"
            )
            self.add_error(field, _("The deadline must be before the start date."))
        return cleaned


class DeadlineForm(ReasonForm):
    deadline = forms.DateField(
        label=_("New deadline"), widget=forms.DateInput(attrs={"type": "date"})
    )


class PublicFilterForm(forms.Form):
    region = forms.ChoiceField(
        label=_("Province"), required=False, choices=[("", _("All provinces")), *Region.choices]
    )
    university = forms.ModelChoiceField(
        label=_("University"),
        required=False,
        queryset=Organisation.objects.universities().active(),
        empty_label=_("All universities"),
    )
