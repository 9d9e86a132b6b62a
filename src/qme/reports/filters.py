"""The filters every report takes (cohort, hospital, region, university) and the scope they give:
the programme office sees every hospital, a hospital coordinator only their own, whatever the
filters ask for."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qme.organisations import roles
from qme.organisations.models import Organisation, Region, RoleKind
from qme.positions.models import Position
from qme.training.models import Traineeship


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
    """The years in which positions or traineeships start: the cohorts there are."""
    years = {d.year for d in Traineeship.objects.dates("start_date", "year")}
    years |= {d.year for d in Position.objects.dates("start_date", "year")}
    return sorted(years, reverse=True)


class ReportFilterForm(forms.Form):
    cohort = forms.TypedChoiceField(label=_("Cohort"), required=False, coerce=int, empty_value=None)
    hospital = forms.ModelChoiceField(
        label=_("Hospital"),
        required=False,
        queryset=Organisation.objects.none(),
        empty_label=_("All hospitals"),
    )
    region = forms.ChoiceField(
        label=_("Province"),
        required=False,
        choices=[("", _("All provinces")), *Region.choices],
    )
    university = forms.ModelChoiceField(
        label=_("University"),
        required=False,
        queryset=Organisation.objects.universities(),
        empty_label=_("All universities"),
    )

    def __init__(self, data, *, hospitals: frozenset[int] | None, years: list[int]) -> None:
        super().__init__(data)
        queryset = Organisation.objects.care_providers().only("id", "name")
        if hospitals is not None:
            queryset = queryset.filter(pk__in=sorted(hospitals))
        self.fields["hospital"].queryset = queryset
        self.fields["university"].queryset = (
            Organisation.objects.universities().only("id", "name").order_by("name")
        )
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
