from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from qme.accounts.models import User

from .models import Competency, DeliverableKind, Outcome, ProgrammeSettings


class DatabaseIdChoice(forms.ModelMultipleChoiceField):
    """Objects chosen by id; an id beyond a database integer is refused as no id at all (SQLite
    would overflow on it)."""

    def _check_values(self, value):
        for pk in value:
            text = str(pk).strip()
            if text.lstrip("-").isdigit() and abs(int(text)) > 2**63 - 1:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)


class CompetencyChoice(DatabaseIdChoice):
    #: The competencies that may be chosen, when the view has them already (kept in the cache:
    #: `services.framework_competencies`); the answer is then checked against them, not read.
    known: list[Competency] | None = None

    def _check_values(self, value):
        if self.known is None:
            return super()._check_values(value)
        chosen = {str(pk).strip() for pk in value}
        for pk in chosen:
            if not any(str(c.pk) == pk for c in self.known):
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": pk},
                )
        return [c for c in self.known if str(c.pk) in chosen]

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

    def __init__(self, *args, framework=None, competencies=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if framework is not None:
            self.fields["competencies"].queryset = framework.competencies.all()
            self.fields["competencies"].known = competencies

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
        fields = [
            "university_interval_days",
            "hospital_interval_days",
            "review_interval_months",
            "go_no_go_month",
        ]


class RoundForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        help_text=_("For example: “Feedback after six months on the ward”."),
    )
    competencies = CompetencyChoice(
        label=_("Competencies (one to five)"),
        queryset=Competency.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    anonymous = forms.BooleanField(
        label=_(
            "Anonymous: I see the answers only together, once at least three people have answered"
        ),
        required=False,
        initial=True,
    )
    respondents = forms.CharField(
        label=_("Whom to ask"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        help_text=_(
            "One person per line: name, e-mail address, and optionally their role "
            "(nurse, doctor, technician, patient_representative, colleague)."
        ),
    )
    days_valid = forms.IntegerField(
        label=_("Days to answer"), min_value=3, max_value=60, initial=21
    )

    def __init__(self, *args, framework=None, competencies=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if framework is not None:
            self.fields["competencies"].queryset = framework.competencies.all()
            self.fields["competencies"].known = competencies

    def clean_respondents(self) -> list[dict[str, str]]:
        from django.core.validators import validate_email

        from .models import RespondentRole

        people, problems = [], []
        for number, line in enumerate(self.cleaned_data["respondents"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split(",")]
            if len(parts) < 2:
                problems.append(_("Line %(n)s: give a name and an e-mail address.") % {"n": number})
                continue
            name, email = parts[0], parts[1]
            role = (
                parts[2]
                if len(parts) > 2 and parts[2] in RespondentRole.values
                else RespondentRole.OTHER
            )
            try:
                validate_email(email)
            except forms.ValidationError:
                problems.append(
                    _("Line %(n)s: “%(email)s” is not an e-mail address.")
                    % {"n": number, "email": email}
                )
                continue
            if not name:
                problems.append(_("Line %(n)s: give a name.") % {"n": number})
                continue
            people.append({"name": name, "email": email, "role": role})
        if problems:
            raise forms.ValidationError(problems)
        if not people:
            raise forms.ValidationError(_("Ask at least one person."))
        return people


class AnswerForm(forms.Form):
    went_well = forms.CharField(
        label=_("What goes well?"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    to_improve = forms.CharField(
        label=_("What could be better?"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, competencies=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        from django.utils.translation import get_language

        language = get_language() or "nl"
        self.competencies = list(competencies)
        for competency in self.competencies:
            self.fields[f"rating_{competency.pk}"] = forms.TypedChoiceField(
                label=competency.name(language),
                coerce=int,
                widget=forms.RadioSelect,
                choices=[(i, str(i)) for i in range(1, 6)],
                help_text=competency.description_nl
                if language == "nl"
                else competency.description_en,
            )
        self.order_fields(
            [f"rating_{c.pk}" for c in self.competencies] + ["went_well", "to_improve"]
        )

    def ratings(self) -> dict[int, int]:
        return {c.pk: self.cleaned_data[f"rating_{c.pk}"] for c in self.competencies}


class ReviewForm(forms.Form):
    held_on = forms.DateField(
        label=_("Held on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices, required=False)
    decision = forms.ChoiceField(
        label=_("Decision"),
        required=False,
        widget=forms.RadioSelect,
        choices=[
            ("go", _("Go: the trainee continues")),
            ("no_go", _("No-go: the trainee leaves the programme")),
        ],
    )
    actions = forms.CharField(
        label=_("Agreed actions"), max_length=10000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, kind: str = "progress", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if kind == "go_no_go":
            del self.fields["outcome"]
            self.fields["decision"].required = True
        else:
            del self.fields["decision"]
            self.fields["outcome"].required = True


class PeopleChoice(DatabaseIdChoice):
    """People chosen by id (an id beyond a database integer is nobody)."""


class AssessmentForm(forms.Form):
    deliverable = forms.ChoiceField(label=_("What is assessed"), choices=DeliverableKind.choices)
    university_assessors = PeopleChoice(
        label=_("Assessors of the university"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    hospital_assessors = PeopleChoice(
        label=_("Assessors of the hospital"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, traineeship=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        from qme.organisations.models import Role

        def people(organisation_id):
            return User.objects.filter(
                is_active=True,
                pk__in=Role.objects.current()
                .filter(organisation_id=organisation_id)
                .values("user_id"),
            ).order_by("full_name")

        if traineeship is not None:
            # Never the trainee: nobody assesses their own work.
            self.fields["university_assessors"].queryset = people(
                traineeship.university_id
            ).exclude(pk=traineeship.trainee_id)
            self.fields["hospital_assessors"].queryset = people(traineeship.hospital_id).exclude(
                pk=traineeship.trainee_id
            )
