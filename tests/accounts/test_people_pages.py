"""The programme office manages people and their roles; coordinators see their hospital's people."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.utils import timezone, translation

from qme.accounts.models import User
from qme.audit.models import AuditEvent
from qme.organisations.models import Role, RoleKind
from qme.reports import cache as versioned
from tests.factories import PASSWORD, DepartmentFactory, RoleFactory, UserFactory
from tests.helpers import HOSTILE_TEXT, page_text, row_counts

NEW_PERSON = {
    "full_name": "Noor Nieuwkomer",
    "preferred_name": "Noor",
    "email": "Noor.Nieuwkomer@Example.org",
    "phone": "+31 6 1234 5678",
    "language": "nl",
}


def after_commit(callbacks) -> list:
    """What waits for the commit, besides the cache's own bookkeeping (reports.cache)."""
    return [c for c in callbacks if not isinstance(c, versioned._Pending)]


def _field_error(response, field: str) -> str:
    text = page_text(response)
    marker = f'id="id_{field}_error"'
    if marker not in text:
        return ""
    start = text.index(marker)
    return text[start : text.index("</ul>", start)]


class TestTheList:
    def test_it_lists_everyone_to_the_programme_office(self, world, client_for):
        response = client_for(world.office).get("/people/")
        assert response.status_code == 200
        assert response.context["page"].paginator.count == 9
        assert "Add a person" in page_text(response)

    def test_it_filters_by_name_organisation_role_and_status(self, world, client_for):
        world.trainee_a.is_active = False
        world.trainee_a.save()
        client = client_for(world.office)

        def emails(query: str) -> set[str]:
            return {p.email for p in client.get(f"/people/?{query}").context["page"]}

        assert emails("q=dirk") == {"dirk@example.org"}
        assert emails("q=EXAMPLE.ORG&active=no") == {"tim@example.org"}
        assert emails(f"organisation={world.hospital_b.pk}") == {"ben@example.org"}
        assert emails("role=examination_board") == {"board@example.org"}
        assert emails(f"organisation={world.hospital_a.pk}&role=trainee") == {"tim@example.org"}
        nobody = {p.email for p in User.objects.filter(roles__isnull=True)}
        assert nobody
        assert emails("role=none") == nobody

    def test_it_answers_an_htmx_search_with_the_results_only(self, world, client_for):
        response = client_for(world.office).get("/people/?q=Dirk", headers={"HX-Request": "true"})
        text = page_text(response)
        assert "<html" not in text
        assert "Dirk Doctor" in text

    @pytest.mark.parametrize(
        "query",
        [
            "organisation=abc",
            "organisation=99999999999999999999",
            "role=emperor",
            "q=" + "x" * 10_000,
            "q=%3Cscript%3Ealert(1)%3C/script%3E",
            "q=%27%20OR%201%3D1%20--",
            "q=a%00b",
            "page=zzz",
        ],
    )
    def test_it_survives_odd_filters(self, world, client_for, query):
        response = client_for(world.office).get(f"/people/?{query}")
        assert response.status_code == 200
        assert "<script>alert(1)</script>" not in page_text(response)

    def test_it_refuses_the_list_to_people_who_manage_no_one(self, world, client_for):
        for user in (world.doctor_a, world.trainee_a, world.applicant, world.board_member):
            assert client_for(user).get("/people/").status_code == 403

    @pytest.mark.parametrize("persona", ["office", "coordinator_a"])
    def test_it_lists_many_people_in_a_fixed_number_of_queries(
        self, world, client_for, django_assert_max_num_queries, persona
    ):
        departments = [DepartmentFactory(organisation=world.hospital_a) for _ in range(3)]
        for n in range(30):
            person = UserFactory()
            RoleFactory(user=person, organisation=world.hospital_a, department=departments[n % 3])
            RoleFactory(user=person, organisation=world.hospital_b, kind=RoleKind.TRAINEE)
        client = client_for(getattr(world, persona))
        with django_assert_max_num_queries(14):
            first = client.get("/people/")
        with django_assert_max_num_queries(14):
            second = client.get("/people/?page=2")
        assert first.status_code == second.status_code == 200
        assert len(first.context["page"].object_list) == 25


class TestTheDetailPage:
    def test_it_shows_roles_and_the_role_form_to_the_programme_office(self, world, client_for):
        response = client_for(world.office).get(f"/people/{world.doctor_a.pk}/")
        text = page_text(response)
        assert response.status_code == 200
        assert "Medical doctor" in text
        assert "Amstelland Medisch Centrum" in text
        assert "Assign a role" in text
        assert f"/audit/person/{world.doctor_a.pk}/" in text

    def test_it_shows_a_coordinator_no_controls(self, world, client_for):
        text = page_text(client_for(world.coordinator_a).get(f"/people/{world.doctor_a.pk}/"))
        assert "Dirk Doctor" in text
        assert "Assign a role" not in text
        assert f"/people/{world.doctor_a.pk}/edit/" not in text

    def test_it_shows_a_person_with_many_roles_in_a_fixed_number_of_queries(
        self, world, client_for, django_assert_max_num_queries
    ):
        for _ in range(30):
            RoleFactory(user=world.doctor_a, department=None)
        client = client_for(world.office)
        with django_assert_max_num_queries(16):
            response = client.get(f"/people/{world.doctor_a.pk}/")
        assert response.status_code == 200

    def test_it_answers_404_for_an_unknown_person(self, world, client_for):
        assert client_for(world.office).get("/people/424242/").status_code == 404


class TestAddingAPerson:
    def test_it_creates_the_account_and_invites_in_the_persons_language(
        self, world, client_for, django_capture_on_commit_callbacks, monkeypatch
    ):
        from qme.core import mail as qme_mail

        languages = []
        original = qme_mail.render_to_string

        def spy(*args, **kwargs):
            languages.append(translation.get_language())
            return original(*args, **kwargs)

        monkeypatch.setattr(qme_mail, "render_to_string", spy)
        client = client_for(world.office)
        assert client.get("/people/new/").status_code == 200
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            response = client.post("/people/new/", NEW_PERSON)
        person = User.objects.get(email="noor.nieuwkomer@example.org")
        assert response.status_code == 302
        assert response["Location"] == f"/people/{person.pk}/"
        assert (person.full_name, person.language) == ("Noor Nieuwkomer", "nl")
        assert not person.has_usable_password()
        assert len(after_commit(callbacks)) == 1
        assert languages == ["nl", "nl"]
        [message] = mail.outbox
        assert message.to == ["noor.nieuwkomer@example.org"]
        assert "/accounts/password/reset/key/" in message.body
        assert "Olga Office" in message.body
        event = AuditEvent.objects.get(action="person.created")
        assert (event.actor, event.target_id) == (world.office, str(person.pk))

    def test_it_sends_the_invitation_only_after_the_transaction_commits(
        self, world, client_for, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            client_for(world.office).post("/people/new/", NEW_PERSON)
        assert len(after_commit(callbacks)) == 1
        assert mail.outbox == []

    def test_it_lets_the_invited_person_choose_a_password_and_sign_in(
        self, world, client, client_for, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            client_for(world.office).post("/people/new/", {**NEW_PERSON, "language": "en"})
        client.logout()
        link = next(
            line for line in mail.outbox[0].body.splitlines() if "/password/reset/key/" in line
        )
        path = link[link.index("/accounts/") :]
        form_url = client.get(path)["Location"]
        response = client.post(
            form_url,
            {"password1": "a-new-strong-passphrase", "password2": "a-new-strong-passphrase"},
        )
        assert response.status_code == 302
        person = User.objects.get(email="noor.nieuwkomer@example.org")
        assert person.check_password("a-new-strong-passphrase")

    def test_it_creates_one_person_when_the_form_is_sent_twice(
        self, world, client_for, django_capture_on_commit_callbacks
    ):
        client = client_for(world.office)
        with django_capture_on_commit_callbacks(execute=True):
            assert client.post("/people/new/", NEW_PERSON).status_code == 302
            second = client.post("/people/new/", NEW_PERSON)
        assert second.status_code == 200
        assert "already exists" in _field_error(second, "email")
        assert User.objects.filter(email__iexact=NEW_PERSON["email"]).count() == 1
        assert len(mail.outbox) == 1

    @pytest.mark.parametrize(
        ("field", "value", "message"),
        [
            ("email", "", "This field is required."),
            ("email", "not-an-email", "Enter a valid email address."),
            ("email", "a" * 10_000 + "@example.org", "at most"),
            ("email", "<script>alert(1)</script>@example.org", "Enter a valid email address."),
            ("email", "x@example.org'; DROP TABLE accounts_user; --", "Enter a valid email"),
            ("email", "office@example.org", "already exists"),
            ("email", "OFFICE@EXAMPLE.ORG", "already exists"),
            ("full_name", "", "This field is required."),
            ("full_name", "   ", "This field is required."),
            ("full_name", "n" * 10_000, "at most 200 characters"),
            ("full_name", "a\x00b", "Null characters are not allowed"),
            ("preferred_name", "p" * 101, "at most 100 characters"),
            ("phone", "1" * 10_000, "at most 40 characters"),
            ("language", "xx", "Select a valid choice"),
            ("language", "", "This field is required."),
        ],
    )
    def test_it_shows_the_error_next_to_the_field_and_stores_nothing(
        self, world, client_for, django_capture_on_commit_callbacks, field, value, message
    ):
        before = row_counts()
        with django_capture_on_commit_callbacks(execute=True):
            response = client_for(world.office).post("/people/new/", {**NEW_PERSON, field: value})
        assert response.status_code == 200
        assert message in _field_error(response, field)
        assert "<script>alert(1)</script>" not in page_text(response)
        assert row_counts() == before
        assert mail.outbox == []

    def test_it_stores_a_name_with_markup_as_plain_text(self, world, client_for):
        client = client_for(world.office)
        name = "<script>alert('x')</script> O'Neil"
        response = client.post("/people/new/", {**NEW_PERSON, "full_name": name})
        assert response.status_code == 302
        page = page_text(client.get(response["Location"]))
        assert "<script>alert('x')</script>" not in page
        assert "&lt;script&gt;" in page


class TestEditingAPerson:
    def test_it_saves_changes_and_records_which_fields_changed(self, world, client_for):
        client = client_for(world.office)
        url = f"/people/{world.trainee_a.pk}/edit/"
        assert client.get(url).status_code == 200
        response = client.post(
            url,
            {
                "full_name": "Tim Trainee-de Vries",
                "preferred_name": "",
                "email": " Tim.DeVries@Example.org ",
                "phone": "",
                "language": "nl",
            },
        )
        assert response.status_code == 302
        world.trainee_a.refresh_from_db()
        assert world.trainee_a.full_name == "Tim Trainee-de Vries"
        assert world.trainee_a.email == "tim.devries@example.org"
        assert world.trainee_a.emailaddress_set.get().email == "tim.devries@example.org"
        event = AuditEvent.objects.get(action="person.updated")
        assert sorted(event.data["fields"]) == ["email", "full_name", "language"]
        assert event.actor == world.office

    def test_it_refuses_someone_elses_email_address(self, world, client_for):
        response = client_for(world.office).post(
            f"/people/{world.trainee_a.pk}/edit/",
            {"full_name": "Tim", "email": "DIRK@example.org", "language": "en"},
        )
        assert response.status_code == 200
        assert "already exists" in _field_error(response, "email")
        world.trainee_a.refresh_from_db()
        assert world.trainee_a.email == "tim@example.org"

    @pytest.mark.parametrize("value", HOSTILE_TEXT)
    def test_it_never_crashes_on_a_hostile_name(self, world, client_for, value):
        before = row_counts()
        response = client_for(world.office).post(
            f"/people/{world.trainee_a.pk}/edit/",
            {"full_name": value, "email": "tim@example.org", "language": "en"},
        )
        assert response.status_code in (200, 302)
        world.trainee_a.refresh_from_db()
        if response.status_code == 200:
            assert _field_error(response, "full_name")
            assert world.trainee_a.full_name == "Tim Trainee"
            assert row_counts() == before
        else:
            assert world.trainee_a.full_name == value.strip()


class TestDeactivating:
    def test_it_deactivates_with_a_reason_and_reactivates(self, world, client_for, client):
        office = client_for(world.office)
        url = f"/people/{world.trainee_a.pk}/status/"
        assert "Deactivate Tim Trainee" in page_text(office.get(url))
        response = office.post(url, {"reason": "Left the programme"})
        assert response.status_code == 302
        world.trainee_a.refresh_from_db()
        assert world.trainee_a.is_active is False
        event = AuditEvent.objects.get(action="person.deactivated")
        assert (event.actor, event.reason) == (world.office, "Left the programme")
        assert "inactive" in page_text(office.get(f"/people/{world.trainee_a.pk}/"))

        assert "Reactivate Tim Trainee" in page_text(office.get(url))
        assert office.post(url, {"reason": "Came back"}).status_code == 302
        world.trainee_a.refresh_from_db()
        assert world.trainee_a.is_active is True
        assert AuditEvent.objects.get(action="person.activated").reason == "Came back"

    def test_it_stops_a_deactivated_person_from_signing_in(self, world, client_for, client):
        client_for(world.office).post(
            f"/people/{world.trainee_a.pk}/status/", {"reason": "Left the programme"}
        )
        client.logout()
        response = client.post(
            "/accounts/login/", {"login": "tim@example.org", "password": PASSWORD}
        )
        assert "_auth_user_id" not in client.session
        assert response.status_code in (200, 302)
        if response.status_code == 302:
            assert response["Location"] == "/accounts/inactive/"

    def test_it_ends_the_session_of_a_deactivated_person(self, world, client_for):
        trainee = client_for(world.trainee_a)
        assert trainee.get("/").status_code == 200
        User.objects.filter(pk=world.trainee_a.pk).update(is_active=False)
        response = trainee.get("/")
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")

    @pytest.mark.parametrize(("value", "message"), [("", "required"), ("   ", "")])
    def test_it_requires_a_reason(self, world, client_for, value, message):
        before = row_counts()
        response = client_for(world.office).post(
            f"/people/{world.trainee_a.pk}/status/", {"reason": value}
        )
        assert response.status_code == 200
        assert _field_error(response, "reason")
        assert message in _field_error(response, "reason")
        world.trainee_a.refresh_from_db()
        assert world.trainee_a.is_active
        assert row_counts() == before

    def test_it_refuses_a_reason_of_ten_thousand_characters(self, world, client_for):
        response = client_for(world.office).post(
            f"/people/{world.trainee_a.pk}/status/", {"reason": "r" * 10_000}
        )
        assert response.status_code == 200
        assert "at most 500 characters" in _field_error(response, "reason")
        world.trainee_a.refresh_from_db()
        assert world.trainee_a.is_active

    def test_it_does_not_let_the_office_deactivate_itself(self, world, client_for):
        response = client_for(world.office).post(
            f"/people/{world.office.pk}/status/", {"reason": "Oops"}
        )
        assert response.status_code == 200
        assert "cannot deactivate your own account" in page_text(response)
        world.office.refresh_from_db()
        assert world.office.is_active


class TestAssigningRoles:
    def _assign(self, client, person, **fields):
        return client.post(f"/people/{person.pk}/roles/", fields)

    def test_it_assigns_a_role_and_records_it(self, world, client_for):
        department = DepartmentFactory(organisation=world.hospital_b)
        response = self._assign(
            client_for(world.office),
            world.applicant,
            organisation=world.hospital_b.pk,
            kind=RoleKind.TRAINEE,
            department=department.pk,
        )
        assert response.status_code == 302
        role = world.applicant.roles.get()
        assert (role.organisation, role.kind, role.department) == (
            world.hospital_b,
            RoleKind.TRAINEE,
            department,
        )
        assert role.starts_on == timezone.localdate()
        event = AuditEvent.objects.get(action="role.assigned")
        assert event.actor == world.office
        assert event.data["role"] == "trainee"
        assert event.target_id == str(world.applicant.pk)

    def test_it_assigns_a_role_once_when_the_form_is_sent_twice(self, world, client_for):
        client = client_for(world.office)
        data = {"organisation": world.hospital_b.pk, "kind": RoleKind.MEDICAL_DOCTOR}
        assert self._assign(client, world.applicant, **data).status_code == 302
        second = self._assign(client, world.applicant, **data)
        assert second.status_code == 422
        assert "already holds this role" in page_text(second)
        assert world.applicant.roles.count() == 1

    @pytest.mark.parametrize(
        ("kind", "organisation"),
        [
            (RoleKind.UNIVERSITY_SUPERVISOR, "hospital_a"),
            (RoleKind.PROGRAMME_OFFICE, "hospital_b"),
            (RoleKind.EXAMINATION_BOARD, "hospital_a"),
            (RoleKind.HOSPITAL_COORDINATOR, "university"),
            (RoleKind.TRAINEE, "university"),
        ],
    )
    def test_it_refuses_a_role_that_does_not_fit_the_organisation(
        self, world, client_for, kind, organisation
    ):
        before = row_counts()
        response = self._assign(
            client_for(world.office),
            world.applicant,
            organisation=getattr(world, organisation).pk,
            kind=kind,
        )
        assert response.status_code == 422
        assert "This role is held at" in _field_error(response, "organisation")
        assert row_counts() == before

    def test_it_assigns_university_roles_at_a_university(self, world, client_for):
        response = self._assign(
            client_for(world.office),
            world.doctor_a,
            organisation=world.university.pk,
            kind=RoleKind.COMMITTEE_MEMBER,
        )
        assert response.status_code == 302
        assert world.doctor_a.roles.count() == 2

    def test_it_refuses_a_department_of_another_organisation(self, world, client_for):
        department = DepartmentFactory(organisation=world.hospital_b)
        response = self._assign(
            client_for(world.office),
            world.applicant,
            organisation=world.hospital_a.pk,
            kind=RoleKind.TRAINEE,
            department=department.pk,
        )
        assert response.status_code == 422
        assert "same organisation" in _field_error(response, "department")
        assert not world.applicant.roles.exists()

    @pytest.mark.parametrize(
        ("fields", "field", "message"),
        [
            ({"organisation": ""}, "organisation", "required"),
            ({"organisation": "424242"}, "organisation", "Select a valid choice"),
            ({"organisation": "abc"}, "organisation", "Select a valid choice"),
            ({"organisation": "1 OR 1=1"}, "organisation", "Select a valid choice"),
            ({"kind": "emperor"}, "kind", "Select a valid choice"),
            ({"kind": ""}, "kind", "required"),
            ({"department": "424242"}, "department", "Select a valid choice"),
            ({"starts_on": "2024-13-45"}, "starts_on", "Enter a valid date"),
            ({"starts_on": "<script>"}, "starts_on", "Enter a valid date"),
            ({"ends_on": "x" * 10_000}, "ends_on", "Enter a valid date"),
            ({"starts_on": "2026-05-01", "ends_on": "2026-04-01"}, "ends_on", "on or after"),
        ],
    )
    def test_it_shows_the_error_next_to_the_field(self, world, client_for, fields, field, message):
        before = row_counts()
        data = {"organisation": world.hospital_a.pk, "kind": RoleKind.TRAINEE, **fields}
        response = self._assign(client_for(world.office), world.applicant, **data)
        assert response.status_code == 422
        assert message in _field_error(response, field)
        assert row_counts() == before

    def test_it_refuses_a_role_at_an_inactive_organisation(self, world, client_for):
        world.hospital_b.is_active = False
        world.hospital_b.save()
        response = self._assign(
            client_for(world.office),
            world.applicant,
            organisation=world.hospital_b.pk,
            kind=RoleKind.TRAINEE,
        )
        assert response.status_code == 422
        assert not world.applicant.roles.exists()

    def test_it_answers_a_get_with_405(self, world, client_for):
        response = client_for(world.office).get(f"/people/{world.applicant.pk}/roles/")
        assert response.status_code == 405


class TestEndingARole:
    def test_it_ends_a_role_with_a_reason(self, world, client_for):
        role = world.doctor_a.roles.get()
        client = client_for(world.office)
        url = f"/people/{world.doctor_a.pk}/roles/{role.pk}/end/"
        assert "Medical doctor" in page_text(client.get(url))
        response = client.post(url, {"reason": "Moved to Maastricht"})
        assert response.status_code == 302
        role.refresh_from_db()
        assert role.ends_on == timezone.localdate()
        event = AuditEvent.objects.get(action="role.ended")
        assert (event.actor, event.reason) == (world.office, "Moved to Maastricht")
        again = client.post(url, {"reason": "Twice"})
        assert again.status_code == 200
        assert "already ended" in page_text(again)
        assert AuditEvent.objects.filter(action="role.ended").count() == 1

    @pytest.mark.parametrize("reason", ["", "   ", "r" * 10_000])
    def test_it_requires_a_sensible_reason(self, world, client_for, reason):
        role = world.doctor_a.roles.get()
        response = client_for(world.office).post(
            f"/people/{world.doctor_a.pk}/roles/{role.pk}/end/", {"reason": reason}
        )
        assert response.status_code == 200
        assert _field_error(response, "reason")
        role.refresh_from_db()
        assert role.ends_on is None

    def test_it_takes_the_role_away_from_the_persons_rights_after_today(self, world, client_for):
        role = world.coordinator_a.roles.get()
        client_for(world.office).post(
            f"/people/{world.coordinator_a.pk}/roles/{role.pk}/end/", {"reason": "Retired"}
        )
        assert Role.objects.current().filter(pk=role.pk).exists()  # the last day counts
        with time_machine.travel(timezone.now() + dt.timedelta(days=1)):
            coordinator = client_for(world.coordinator_a)
            assert coordinator.get(f"/organisations/{world.hospital_a.pk}/").status_code == 404
            assert coordinator.get(f"/people/{world.doctor_a.pk}/").status_code == 404
            assert coordinator.get("/people/").status_code == 403
