"""The programme office browses the audit trail: everything, per object and per person. Every
action of the foundation leaves an event with who, what and why."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.test import Client

from qme.accounts.models import User
from qme.accounts.services import create_api_token
from qme.audit.models import AuditEvent
from qme.audit.services import record_event
from qme.organisations.models import Organisation
from tests.factories import OrganisationFactory, UserFactory
from tests.helpers import api, page_text


@pytest.fixture
def office(world, client_for):
    return client_for(world.office)


def _deactivate_trainee(office, world) -> None:
    response = office.post(
        f"/people/{world.trainee_a.pk}/status/", {"reason": "Stopped after the go/no-go"}
    )
    assert response.status_code == 302


def organisation_trail(organisation: Organisation) -> str:
    content_type = ContentType.objects.get_for_model(Organisation)
    return f"/audit/object/{content_type.pk}/{organisation.pk}/"


class TestTheTrail:
    def test_it_shows_who_did_what_and_why(self, world, office):
        _deactivate_trainee(office, world)
        text = page_text(office.get("/audit/"))
        assert "Olga Office" in text
        assert "person.deactivated" in text
        assert "Tim Trainee" in text
        assert "Stopped after the go/no-go" in text

    def test_it_filters_by_search_and_action(self, world, office):
        _deactivate_trainee(office, world)
        office.post(
            "/organisations/new/",
            {"kind": "hospital", "name": "Gasthuis Ede", "city": "Ede", "region": "GE"},
        )

        def actions(query: str) -> list[str]:
            return [e.action for e in office.get(f"/audit/?{query}").context["page"]]

        assert actions("action=person.") == ["person.deactivated"]
        assert actions("q=Gasthuis") == ["organisation.created"]
        assert actions("q=nobody-at-all") == []

    @pytest.mark.parametrize(
        "query",
        [
            "q=" + "x" * 10_000,
            "action=" + "y" * 10_000,
            "q=%3Cscript%3Ealert(1)%3C/script%3E",
            "q=%27%3B%20DROP%20TABLE%20audit_auditevent%3B--",
            "q=a%00b",
            "page=last",
        ],
    )
    def test_it_survives_odd_filters(self, world, office, query):
        _deactivate_trainee(office, world)
        response = office.get(f"/audit/?{query}")
        assert response.status_code == 200
        assert "<script>alert(1)</script>" not in page_text(response)
        assert AuditEvent.objects.count() == 1

    def test_it_shows_markup_in_a_reason_as_text(self, world, office):
        office.post(
            f"/people/{world.trainee_a.pk}/status/", {"reason": "<script>alert(1)</script>"}
        )
        text = page_text(office.get("/audit/"))
        assert "<script>alert(1)</script>" not in text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text

    def test_it_pages_through_many_events_in_a_fixed_number_of_queries(
        self, world, office, django_assert_max_num_queries
    ):
        actors = [UserFactory() for _ in range(5)]
        for n in range(60):
            target = OrganisationFactory() if n % 2 else UserFactory()
            record_event(actor=actors[n % 5], action="thing.done", target=target, reason=f"r{n}")
        with django_assert_max_num_queries(12):
            first = office.get("/audit/")
        with django_assert_max_num_queries(12):
            second = office.get("/audit/?page=2")
        assert len(first.context["page"].object_list) == 50
        assert second.status_code == 200


class TestAnObjectsHistory:
    def test_it_shows_the_actions_and_field_changes_of_an_organisation(self, world, office):
        office.post(
            f"/organisations/{world.hospital_b.pk}/edit/",
            {
                "kind": "hospital",
                "name": "Ziekenhuis De Maasoever",
                "city": "Schiedam",
                "region": "ZH",
                "is_active": "on",
            },
        )
        response = office.get(organisation_trail(world.hospital_b))
        text = page_text(response)
        assert response.status_code == 200
        assert "organisation.updated" in text
        assert "Rotterdam" in text
        assert "Schiedam" in text
        change = LogEntry.objects.get_for_object(world.hospital_b).first()
        assert change.actor == world.office

    def test_it_is_linked_from_the_organisation_page(self, world, office):
        text = page_text(office.get(f"/organisations/{world.hospital_b.pk}/"))
        assert organisation_trail(world.hospital_b) in text

    def test_it_shows_the_history_of_a_deleted_or_unknown_object(self, world, office):
        content_type = ContentType.objects.get_for_model(Organisation)
        response = office.get(f"/audit/object/{content_type.pk}/424242/")
        assert response.status_code == 200
        assert "#424242" in page_text(response)

    @pytest.mark.parametrize(
        "url",
        [
            "/audit/object/424242/1/",
            "/audit/object/99999999999999999999/1/",
            "/audit/object/abc/1/",
            "/audit/object/1/a%00b/",
            "/audit/object/1/..%2F..%2Fetc%2Fpasswd/",
        ],
    )
    def test_it_answers_404_for_an_unknown_kind_of_object(self, world, office, url):
        assert office.get(url).status_code == 404

    def test_it_shows_many_changes_in_a_fixed_number_of_queries(
        self, world, office, django_assert_max_num_queries
    ):
        for n in range(30):
            world.hospital_b.city = f"Stad {n}"
            world.hospital_b.save()
            record_event(actor=world.office, action="organisation.updated", target=world.hospital_b)
        with django_assert_max_num_queries(14):
            response = office.get(organisation_trail(world.hospital_b))
        assert response.status_code == 200


class TestAPersonsHistory:
    def test_it_shows_what_happened_to_a_person_and_what_they_did(self, world, office):
        _deactivate_trainee(office, world)
        about = office.get(f"/audit/person/{world.trainee_a.pk}/")
        assert "Stopped after the go/no-go" in page_text(about)
        assert [e.action for e in about.context["about"]] == ["person.deactivated"]
        did = office.get(f"/audit/person/{world.office.pk}/")
        assert [e.action for e in did.context["done_by"]] == ["person.deactivated"]

    def test_it_is_linked_from_the_persons_page(self, world, office):
        text = page_text(office.get(f"/people/{world.trainee_a.pk}/"))
        assert f"/audit/person/{world.trainee_a.pk}/" in text

    def test_it_answers_404_for_an_unknown_person(self, world, office):
        assert office.get("/audit/person/424242/").status_code == 404

    def test_it_keeps_the_actors_name_after_the_account_is_gone(self, world, office):
        colleague = UserFactory(full_name="Gone Colleague")
        record_event(actor=colleague, action="thing.done", target=world.hospital_a)
        User.objects.filter(pk=colleague.pk).delete()
        event = AuditEvent.objects.get(action="thing.done")
        assert event.actor is None
        assert "Gone Colleague" in page_text(office.get("/audit/"))

    def test_it_shows_a_busy_person_in_a_fixed_number_of_queries(
        self, world, office, django_assert_max_num_queries
    ):
        for n in range(30):
            record_event(actor=world.office, action="thing.done", target=OrganisationFactory())
            record_event(actor=UserFactory(), action="thing.done", target=world.office)
            world.hospital_a.city = f"Stad {n}"
            world.hospital_a.save()
        with django_assert_max_num_queries(14):
            response = office.get(f"/audit/person/{world.office.pk}/")
        assert response.status_code == 200


class TestEveryActionIsRecorded:
    """One story through the pages: each step leaves an event with the office as the actor."""

    def test_it_records_the_whole_story(self, world, office, django_capture_on_commit_callbacks):
        office.post(
            "/organisations/new/",
            {"kind": "hospital", "name": "Gasthuis Ede", "city": "Ede", "region": "GE"},
        )
        hospital = Organisation.objects.get(name="Gasthuis Ede")
        office.post(
            f"/organisations/{hospital.pk}/edit/",
            {
                "kind": "hospital",
                "name": "Gasthuis Ede",
                "city": "Ede-Wageningen",
                "region": "GE",
                "is_active": "on",
            },
        )
        office.post(f"/organisations/{hospital.pk}/departments/new/", {"name": "Klinische Fysica"})
        department = hospital.departments.get()
        office.post(
            f"/organisations/{hospital.pk}/departments/{department.pk}/edit/",
            {"name": "Medische Fysica", "is_active": "on"},
        )
        with django_capture_on_commit_callbacks(execute=True):
            office.post(
                "/people/new/",
                {"full_name": "Eva Ede", "email": "eva@example.org", "language": "nl"},
            )
        eva = User.objects.get(email="eva@example.org")
        office.post(
            f"/people/{eva.pk}/edit/",
            {"full_name": "Eva van Ede", "email": "eva@example.org", "language": "nl"},
        )
        office.post(f"/people/{eva.pk}/roles/", {"organisation": hospital.pk, "kind": "trainee"})
        role = eva.roles.get()
        office.post(f"/people/{eva.pk}/roles/{role.pk}/end/", {"reason": "Moved"})
        office.post(f"/people/{eva.pk}/status/", {"reason": "Left"})
        office.post(f"/people/{eva.pk}/status/", {"reason": "Returned"})

        events = list(AuditEvent.objects.order_by("id"))
        assert [e.action for e in events] == [
            "organisation.created",
            "organisation.updated",
            "department.created",
            "department.updated",
            "person.created",
            "person.updated",
            "role.assigned",
            "role.ended",
            "person.deactivated",
            "person.activated",
        ]
        assert {e.actor for e in events} == {world.office}
        assert [e.reason for e in events if e.reason] == ["Moved", "Left", "Returned"]
        trail = page_text(office.get(f"/audit/person/{eva.pk}/"))
        for action in ("person.created", "role.assigned", "role.ended", "person.activated"):
            assert action in trail

    def test_it_records_changes_made_with_an_api_token_under_the_tokens_owner(self, world):
        _token, secret = create_api_token(user=world.office, name="sync")
        response = api(
            Client(),
            "patch",
            f"organisations/{world.hospital_b.pk}",
            {"city": "Schiedam"},
            token=secret,
        )
        assert response.status_code == 200
        assert AuditEvent.objects.get(action="organisation.updated").actor == world.office
        change = LogEntry.objects.get_for_object(world.hospital_b).first()
        assert change.actor == world.office
