"""The curriculum: the programme office keeps a catalogue of courses, workshops and trainings with
their editions, and the requirements of each cohort as data. A trainee keeps the rules of the year
they started in; a new cohort gets the new rules."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from qme.audit.models import AuditEvent
from qme.training import services
from qme.training.models import CatalogueItem, Curriculum, ItemKind

from .factories import complete_plan, rules_for, traineeship_of
from .helpers import messages_of, snapshot, text


class TestTheCatalogue:
    def test_it_lists_items_with_their_editions_in_the_persons_language(
        self, world, client_for, catalogue
    ):
        page = text(client_for(world.trainee_a).get("/training/catalogue/"))
        assert "Medical device regulation" in page
        assert "Wageningen University" in page
        assert "Enschede" in page  # the place of an edition
        edition = catalogue.regulation.editions.get()
        assert edition.starts_on.strftime("%Y") in page
        world.trainee_a.language = "nl"
        world.trainee_a.save(update_fields=["language"])
        page = text(client_for(world.trainee_a).get("/training/catalogue/"))
        assert "Regelgeving medische hulpmiddelen" in page
        assert "Medical device regulation" not in page.split("<h2")[2]

    def test_the_office_adds_an_item(self, world, client_for, catalogue):
        client = client_for(world.office)
        response = client.post(
            "/training/catalogue/",
            {
                "kind": ItemKind.WORKSHOP,
                "title_nl": "Wetenschappelijk schrijven",
                "title_en": "Scientific writing",
                "provider": "TU Delft",
                "ec": "2",
                "format": "online",
                "is_active": "on",
            },
            follow=True,
        )
        assert "The item has been added to the catalogue." in messages_of(response)
        item = CatalogueItem.objects.get(title_en="Scientific writing")
        assert (item.kind, item.ec, item.format) == ("workshop", Decimal(2), "online")
        assert AuditEvent.objects.filter(action="catalogue.item_added", actor=world.office).exists()

    @pytest.mark.parametrize("persona", ["trainee_a", "coordinator_a", "university_supervisor"])
    def test_only_the_office_changes_the_catalogue(self, world, client_for, catalogue, persona):
        client = client_for(getattr(world, persona))
        page = text(client.get("/training/catalogue/"))
        assert "Add to the catalogue" not in page
        before = snapshot()
        response = client.post(
            "/training/catalogue/",
            {"kind": "course", "title_nl": "X", "title_en": "X", "provider": "X", "ec": "1"},
        )
        assert response.status_code == 403
        assert snapshot() == before
        assert client.get("/training/curricula/new/").status_code == 403

    @pytest.mark.parametrize("ec", ["0", "-5", "121", "abc", "1.25", "NaN", ""])
    def test_it_refuses_an_item_without_a_sensible_number_of_credits(
        self, world, client_for, catalogue, ec
    ):
        before = snapshot()
        response = client_for(world.office).post(
            "/training/catalogue/",
            {
                "kind": "course",
                "title_nl": "Cursus",
                "title_en": "Course",
                "provider": "UT",
                "ec": ec,
                "format": "in_person",
            },
        )
        assert response.status_code == 200
        assert response.context["form"].errors["ec"]
        assert snapshot() == before


class TestCohortRules:
    def test_a_new_traineeship_takes_the_rules_of_its_start_year(self, world, catalogue):
        old = rules_for(catalogue, 2024)
        new = rules_for(
            catalogue,
            2025,
            course_ec=Decimal(40),
            mandatory=[catalogue.regulation, catalogue.communication, catalogue.leadership],
        )
        assert services.curriculum_for(dt.date(2024, 9, 1)) == old
        assert services.curriculum_for(dt.date(2025, 1, 1)) == new
        # A year without rules of its own takes the newest rules before it; a year before all
        # rules the oldest.
        assert services.curriculum_for(dt.date(2027, 3, 1)) == new
        assert services.curriculum_for(dt.date(2019, 3, 1)) == old

    def test_without_any_rules_it_makes_the_programme_defaults(self, db):
        rules = services.curriculum_for(dt.date(2025, 9, 1))
        assert rules.cohort_year == 2025
        assert (rules.total_ec, rules.design_project_ec, rules.course_ec) == (120, 60, 30)
        assert rules.clinical_project_ec == 10
        assert services.curriculum_for(dt.date(2025, 10, 1)) == rules

    def test_a_trainee_keeps_the_rules_of_their_start_year(self, world, client_for, catalogue):
        this_year = timezone.localdate().year
        rules_for(catalogue, this_year - 1)
        veteran = traineeship_of(world, start=dt.date(this_year - 1, 9, 1))
        plan = complete_plan(veteran, catalogue)
        assert services.plan_problems(plan) == []

        # The office sets stricter rules for the next cohort, on its page.
        client = client_for(world.office)
        form = client.get("/training/curricula/new/").context["form"]
        assert form.initial["cohort_year"] == this_year  # the year after the newest rules
        assert form.initial["total_ec"] == Decimal(120)
        response = client.post(
            "/training/curricula/new/",
            {
                "cohort_year": this_year,
                "total_ec": "120",
                "design_project_ec": "60",
                "course_ec": "45",
                "clinical_project_ec": "10",
                "mandatory": [
                    catalogue.regulation.pk,
                    catalogue.communication.pk,
                    catalogue.design_methods.pk,
                ],
            },
            follow=True,
        )
        assert f"The rules for cohort {this_year} have been saved." in messages_of(response)
        stricter = Curriculum.objects.get(cohort_year=this_year)

        # The trainee who started last year keeps last year's rules: their plan still meets them.
        veteran.refresh_from_db()
        assert veteran.curriculum.cohort_year == this_year - 1
        assert services.plan_problems(plan) == []

        # A trainee who starts this year gets the new rules, and the same plan falls short.
        newcomer = traineeship_of(world, trainee=world.applicant, start=dt.date(this_year, 9, 1))
        assert newcomer.curriculum == stricter
        problems = services.plan_problems(complete_plan(newcomer, catalogue))
        assert problems == [
            "Course: 40.0 EC planned, at least 45.0 EC required.",
            "The mandatory component “Design methodology” is missing.",
        ]

    def test_it_refuses_rules_for_a_cohort_that_has_them(self, world, client_for, rules):
        before = snapshot()
        response = client_for(world.office).post(
            "/training/curricula/new/",
            {
                "cohort_year": rules.cohort_year,
                "total_ec": "100",
                "design_project_ec": "50",
                "course_ec": "20",
                "clinical_project_ec": "10",
            },
        )
        assert response.status_code == 200
        assert response.context["form"].errors["cohort_year"]
        assert snapshot() == before

    def test_the_rules_are_data_the_plan_is_checked_against(self, world, catalogue, traineeship):
        plan = complete_plan(traineeship, catalogue)
        assert services.plan_problems(plan) == []
        Curriculum.objects.filter(pk=traineeship.curriculum_id).update(
            total_ec=Decimal(130), clinical_project_ec=Decimal(15)
        )
        plan.traineeship.curriculum.refresh_from_db()
        assert services.plan_problems(plan) == [
            "The plan has 120.0 EC; the programme asks for 130.0 EC.",
            "Clinical project: 12.0 EC planned, at least 15.0 EC required.",
        ]
