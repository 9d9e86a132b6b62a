from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import BLANK_CHOICE_DASH
from django.utils.translation import gettext_lazy as _

from qme.accounts.models import User
from qme.organisations.models import Organisation

from .models import CatalogueItem, Curriculum, ItemKind, LeaveKind, TraineeshipStatus

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class TraineeshipFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    hospital = forms.ModelChoiceField(
        label=_("Hospital"),
        required=False,
        queryset=Organisation.objects.care_providers(),
        empty_label=_("All hospitals"),
    )
    university = forms.ModelChoiceField(
        label=_("University"),
        required=False,
        queryset=Organisation.objects.universities(),
        empty_label=_("All universities"),
    )
    cohort = forms.IntegerField(label=_("Cohort"), required=False, min_value=2000, max_value=2100)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), *TraineeshipStatus.choices],
    )


class TraineeshipForm(forms.Form):
    trainee = forms.ModelChoiceField(
        label=_("Trainee"), queryset=User.objects.filter(is_active=True)
    )
    hospital = forms.ModelChoiceField(
        label=_("Hospital"), queryset=Organisation.objects.care_providers().active()
    )
    university = forms.ModelChoiceField(
        label=_("University"), queryset=Organisation.objects.universities().active()
    )
    start_date = forms.DateField(label=_("Start date"), widget=DATE)
    university_supervisor = forms.ModelChoiceField(
        label=_("University supervisor"),
        queryset=User.objects.filter(is_active=True),
        required=False,
    )
    hospital_supervisor = forms.ModelChoiceField(
        label=_("Hospital supervisor"), queryset=User.objects.filter(is_active=True), required=False
    )
    medical_doctor = forms.ModelChoiceField(
        label=_("Medical doctor"), queryset=User.objects.filter(is_active=True), required=False
    )
    design_project_title = forms.CharField(
        label=_("Design project"), max_length=200, required=False
    )


class PlanItemForm(forms.Form):
    catalogue_item = forms.ModelChoiceField(
        label=_("From the catalogue"),
        required=False,
        queryset=CatalogueItem.objects.filter(is_active=True),
        help_text=_(
            "Or leave empty and describe your own item (an external course, a clinical project)."
        ),
    )
    # A blank first choice: without it the browser sends the first kind (design project) with
    # every item picked from the catalogue, and that overrode the catalogue item's own kind.
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[*BLANK_CHOICE_DASH, *ItemKind.choices], required=False
    )
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    ec = forms.DecimalField(
        label=_("EC"), max_digits=5, decimal_places=1, min_value=0.5, max_value=120, required=False
    )
    planned_start = forms.DateField(label=_("Planned start"), widget=DATE)
    planned_end = forms.DateField(label=_("Planned end"), widget=DATE)

    def clean(self) -> dict:
        data = super().clean() or {}
        if not data.get("catalogue_item"):
            for field in ("kind", "title", "ec"):
                if not data.get(field):
                    self.add_error(field, _("This field is required for an item of your own."))
        start, end = data.get("planned_start"), data.get("planned_end")
        if start and end and end < start:
            self.add_error("planned_end", _("The end must be on or after the start."))
        return data


class RecordForm(forms.Form):
    completed_on = forms.DateField(label=_("Completed on"), widget=DATE)
    grade = forms.CharField(label=_("Grade or result"), max_length=50, required=False)
    evidence = forms.FileField(
        label=_("Evidence (certificate, report; PDF)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
    )
    note = forms.CharField(
        label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class LeaveForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of leave"), choices=LeaveKind.choices)
    starts_on = forms.DateField(label=_("From"), widget=DATE)
    ends_on = forms.DateField(label=_("Until"), widget=DATE)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class ExtensionForm(forms.Form):
    days = forms.IntegerField(label=_("Extension in days"), min_value=1, max_value=730)
    # The expected end the office saw: the same form sent twice extends once.
    current_end = forms.DateField(widget=forms.HiddenInput, required=False)
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ProjectForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    problem_statement = forms.CharField(
        label=_("Problem statement"),
        max_length=10000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    goals = forms.CharField(
        label=_("Goals"), max_length=10000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


class DeliverableForm(forms.Form):
    file = forms.FileField(
        label=_("File (PDF)"), widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"})
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


def _limit(field: forms.Field, low, high) -> None:
    """Bounds a number field of a model form, keeping the model's label."""
    field.validators += [MinValueValidator(low), MaxValueValidator(high)]
    field.widget.attrs.update(min=str(low), max=str(high))


class CatalogueItemForm(forms.ModelForm):
    class Meta:
        model = CatalogueItem
        fields = ["kind", "title_nl", "title_en", "provider", "ec", "format", "is_active"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _limit(self.fields["ec"], Decimal("0.5"), 120)

    def clean_title_en(self) -> str:
        title = self.cleaned_data["title_en"]
        others = CatalogueItem.objects.exclude(pk=self.instance.pk)
        if others.filter(title_en__iexact=title).exists():
            raise forms.ValidationError(_("The catalogue already has an item with this title."))
        return title


class CurriculumForm(forms.ModelForm):
    class Meta:
        model = Curriculum
        fields = [
            "cohort_year",
            "total_ec",
            "design_project_ec",
            "course_ec",
            "clinical_project_ec",
            "mandatory",
        ]
        widgets = {"mandatory": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _limit(self.fields["cohort_year"], 2000, 2100)
        _limit(self.fields["total_ec"], 1, 240)
        for name in ("design_project_ec", "course_ec", "clinical_project_ec"):
            _limit(self.fields[name], 0, 240)
