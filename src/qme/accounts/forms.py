from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import User


class ProfileForm(forms.ModelForm):
    """What a person may change about themselves."""

    class Meta:
        model = User
        fields = ["full_name", "preferred_name", "phone", "language"]

    def clean_full_name(self) -> str:
        name = self.cleaned_data["full_name"].strip()
        if not name:
            raise forms.ValidationError(_("This field is required."))
        return name


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What the token is for, for example “weekly report script”."),
    )
