"""Forms only clean input; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from qme.accounts.models import User

from .models import Department, Organisation, OrganisationKind, Region, RoleKind


class OrganisationForm(forms.ModelForm):
    website = forms.URLField(
        label=_("Website"), required=False, max_length=200, assume_scheme="https"
    )

    class Meta:
        model = Organisation
        fields = ["kind", "name", "short_name", "city", "region", "website", "is_active"]

    def clean_name(self) -> str:
        return self.cleaned_data["name"].strip()


class OrganisationFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=_("Type"), required=False, choices=[("", _("All types")), *OrganisationKind.choices]
    )
    region = forms.ChoiceField(
        label=_("Province"), required=False, choices=[("", _("All provinces")), *Region.choices]
    )
    active = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Active and inactive")), ("yes", _("Active")), ("no", _("Inactive"))],
    )


class DepartmentForm(forms.ModelForm):
    class Meta:
        model = Department
        fields = ["name", "is_active"]


class RoleForm(forms.Form):
    """Assign a role to a person, from the person's page."""

    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.active().order_by("name")
    )
    kind = forms.ChoiceField(label=_("Role"), choices=RoleKind.choices)
    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=Department.objects.filter(is_active=True).select_related("organisation"),
        required=False,
    )
    starts_on = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(
        label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict:
        data = super().clean() or {}
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The end date must be on or after the start date."))
        return data


class EndRoleForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Give a reason."))
        return reason


class PersonForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name", "preferred_name", "email", "phone", "language"]

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        qs = User.objects.filter(email__iexact=email)
        if self.instance.pk:
            qs = qs.exclude(pk=self.instance.pk)
        if qs.exists():
            raise forms.ValidationError(_("Someone with this e-mail address already exists."))
        return email

    def clean_full_name(self) -> str:
        name = self.cleaned_data["full_name"].strip()
        if not name:
            raise forms.ValidationError(_("This field is required."))
        return name


class PersonFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        required=False,
        queryset=Organisation.objects.none(),
        empty_label=_("All organisations"),
    )
    role = forms.ChoiceField(
        label=_("Role"),
        required=False,
        choices=[("", _("All roles")), *RoleKind.choices, ("none", _("No role"))],
    )
    active = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Active and inactive")), ("yes", _("Active")), ("no", _("Inactive"))],
    )

    def __init__(self, *args, organisations=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if organisations is not None:
            self.fields["organisation"].queryset = organisations


class DeactivateForm(EndRoleForm):
    pass
