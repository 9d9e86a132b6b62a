"""The filters every report takes (cohort, hospital, region, university) and the scope they give:
the programme office sees every hospital, a hospital coordinator only their own, whatever the
filters ask for."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from qme.organisations import roles
from qme.organisations.models import Organisation, Region, RoleKind
from qme.positions.models import Position
from qme.training.models import Traineeship

from .cache import remember


@dataclass(frozen=True)
class Scope:
    """What a report counts. `hospitals` is None for the programme office (every hospital), or
    the hospitals a coordinator may see; the other fields are the chosen filters."""

    hospitals: frozenset[int] | None = None
    cohort: int | None = None
    hospital: int | None = None
    region: str = ""
    university: int | None = None

    def q(
        self,
        prefix: str = "",
        *,
        hospital: str = "hospital",
        university: str = "university",
        date: str = "start_date",
    ) -> Q:
        """The filter for a model reached through `prefix` (e.g. "traineeship__"), whose hospital,
        university and cohort date are the named fields."""
        q = Q()
        if self.hospitals is not None:
            q &= Q(**{f"{prefix}{hospital}_id__in": sorted(self.hospitals)})
        if self.hospital:
            q &= Q(**{f"{prefix}{hospital}_id": self.hospital})
        if self.region:
            q &= Q(**{f"{prefix}{hospital}__region": self.region})
        if self.university:
            q &= Q(**{f"{prefix}{university}_id": self.university})
        if self.cohort:
            q &= Q(**{f"{prefix}{date}__year": self.cohort})
        return q

    def hospital_q(self) -> Q:
        """The filter for the hospitals themselves (Organisation rows)."""
        q = Q()
        if self.hospitals is not None:
            q &= Q(pk__in=sorted(self.hospitals))
        if self.hospital:
            q &= Q(pk=self.hospital)
        if self.region:
            q &= Q(region=self.region)
        return q

    def key(self) -> tuple[Any, ...]:
        """Everything that tells one scope from another, in a stable order (a cache key)."""
        hospitals = None if self.hospitals is None else tuple(sorted(self.hospitals))
        return (hospitals, self.cohort, self.hospital, self.region, self.university)

    def as_dict(self) -> dict[str, Any]:
        return {
            "cohort": self.cohort,
            "hospital": self.hospital,
            "region": self.region or None,
            "university": self.university,
        }


def visible_hospitals(user) -> frozenset[int] | None:
    """None for the programme office (all hospitals), else the coordinator's own hospitals."""
    if roles.is_programme_office(user):
        return None
    return roles.organisation_ids(user, RoleKind.HOSPITAL_COORDINATOR)


def cohort_years() -> list[int]:
    """The years in which positions or traineeships start: the cohorts there are (kept in the
    cache until a traineeship or position changes)."""

    def compute() -> list[int]:
        years = {d.year for d in Traineeship.objects.dates("start_date", "year")}
        years |= {d.year for d in Position.objects.dates("start_date", "year")}
        return sorted(years, reverse=True)

    return remember("cohort-years", COHORT_SOURCES, (), compute)


#: What cohort_years reads.
COHORT_SOURCES = (Traineeship, Position)


def _attrs(attrs: dict[str, Any]) -> str:
    return "".join(
        f" {name}" if value is True else f' {name}="{conditional_escape(str(value))}"'
        for name, value in attrs.items()
        if value is not False
    )


class ListedSelect(forms.Select):
    """A select written out in Python, with the same HTML as Django's templates: the hospital
    filter lists every hospital, and a template per option cost more than the rest of a report
    page whose figures come from the cache."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        html = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                html.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
            html.extend(
                f'\n  <option value="{conditional_escape(str(option["value"]))}"'
                f"{_attrs(option['attrs'])}>{conditional_escape(option['label'])}</option>"
                for option in options
            )
            if group_name:
                html.append("\n  </optgroup>")
        html.append("\n</select>")
        return mark_safe("".join(html))  # every name and value is escaped above


def _names(kind: str, organisations: QuerySet, hospitals: frozenset[int] | None) -> list:
    """The organisations' ids and names, in their order, kept in the cache (per kind and the
    hospitals the reader may see) until an organisation changes."""
    seen = None if hospitals is None else tuple(sorted(hospitals))
    return remember(
        f"filter-{kind}",
        (Organisation,),
        seen,
        lambda: list(organisations.values_list("pk", "name")),
    )


class ReportFilterForm(forms.Form):
    cohort = forms.TypedChoiceField(
        label=_("Cohort"), required=False, coerce=int, empty_value=None, widget=ListedSelect
    )
    hospital = forms.ModelChoiceField(
        label=_("Hospital"),
        required=False,
        queryset=Organisation.objects.none(),
        empty_label=_("All hospitals"),
        widget=ListedSelect,
    )
    region = forms.ChoiceField(
        label=_("Province"),
        required=False,
        choices=[("", _("All provinces")), *Region.choices],
        widget=ListedSelect,
    )
    university = forms.ModelChoiceField(
        label=_("University"),
        required=False,
        queryset=Organisation.objects.universities(),
        empty_label=_("All universities"),
        widget=ListedSelect,
    )

    def __init__(self, data, *, hospitals: frozenset[int] | None, years: list[int]) -> None:
        super().__init__(data)
        queryset = Organisation.objects.care_providers().only("id", "name")
        if hospitals is not None:
            queryset = queryset.filter(pk__in=sorted(hospitals))
        universities = Organisation.objects.universities().only("id", "name").order_by("name")
        # The querysets check a chosen hospital or university; the lists to choose from come
        # from the cache while no organisation changes.
        for name, organisations in (("hospital", queryset), ("university", universities)):
            field = self.fields[name]
            field.queryset = organisations
            field.choices = [("", field.empty_label), *_names(name, organisations, hospitals)]
        self.fields["cohort"].choices = [("", _("All cohorts"))] + [(y, str(y)) for y in years]

    def scope(self, hospitals: frozenset[int] | None) -> Scope:
        """The scope of the valid filters; an invalid filter is left out (the form says why)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        hospital = data.get("hospital")
        university = data.get("university")
        return Scope(
            hospitals=hospitals,
            cohort=data.get("cohort"),
            hospital=hospital.pk if hospital else None,
            region=data.get("region") or "",
            university=university.pk if university else None,
        )
