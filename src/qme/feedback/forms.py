from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Competency, ProgrammeSettings


class CompetencyChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Competency) -> str:
        from django.utils.translation import get_language

        return f"{obj.get_area_display()}: {obj.name(get_language() or 'nl')}"


class FeedbackForm(forms.Form):
    subject = forms.CharField(
        label=_("About"),
        max_length=200,
        required=False,
        help_text=_("A plan item, a deliverable, a meeting — or leave empty for general feedback."),
    )
    competencies = CompetencyChoice(
        label=_("Competencies (one to three)"),
        queryset=Competency.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    rating = forms.TypedChoiceField(
        label=_("Rating"),
        coerce=int,
        widget=forms.RadioSelect,
        choices=[(i, str(i)) for i in range(1, 6)],
        help_text=_("1 not yet · 2 developing · 3 competent · 4 proficient · 5 excellent"),
    )
    went_well = forms.CharField(
        label=_("What went well"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    to_improve = forms.CharField(
        label=_("What to improve"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    next_step = forms.CharField(
        label=_("The agreed next step"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )
    send_anyway = forms.BooleanField(
        label=_("Send it as it is"), required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args, framework=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if framework is not None:
            self.fields["competencies"].queryset = framework.competencies.all()

    def clean_competencies(self):
        chosen = self.cleaned_data["competencies"]
        if not 1 <= len(chosen) <= 3:
            raise forms.ValidationError(_("Choose one to three competencies."))
        return chosen


class ResponseForm(forms.Form):
    body = forms.CharField(
        label=_("Your response"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )


class SettingsForm(forms.ModelForm):
    class Meta:
        model = ProgrammeSettings
        fields = ["university_interval_days", "hospital_interval_days"]
