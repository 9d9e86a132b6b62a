"""The state changes of organisations, departments and roles, called directly as the views, the
API and the commands call them: each checks who may do it, refuses what does not fit, and audits."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from qme.audit.models import AuditEvent
from qme.core.errors import ActionRefused
from qme.organisations import roles, services
from qme.organisations.models import Organisation, OrganisationKind, Role, RoleKind
from tests.factories import DepartmentFactory, UserFactory
from tests.helpers import row_counts

TODAY = timezone.localdate()


class TestOrganisations:
    def test_it_creates_and_audits(self, world):
        organisation = services.create_organisation(
            actor=world.office, kind="hospital", name="Gasthuis Ede", city="Ede", region="GE"
        )
        assert organisation.pk
        event = AuditEvent.objects.get(action="organisation.created")
        assert (event.actor, event.actor_label) == (world.office, "Olga Office")

    @pytest.mark.parametrize("persona", ["coordinator_a", "doctor_a", "board_member", "applicant"])
    def test_it_lets_only_the_office_create(self, world, persona):
        with pytest.raises(PermissionDenied):
            services.create_organisation(
                actor=getattr(world, persona), kind="hospital", name="X", city="Y", region="GE"
            )
        assert Organisation.objects.count() == 3

    def test_it_refuses_unknown_fields(self, world):
        with pytest.raises(ActionRefused, match="pk"):
            services.create_organisation(
                actor=world.office, kind="hospital", name="X", city="Y", region="GE", pk=1
            )

    def test_it_refuses_a_duplicate_name_in_any_case(self, world):
        with pytest.raises(ActionRefused) as refusal:
            services.create_organisation(
                actor=world.office,
                kind="hospital",
                name="UNIVERSITY OF TWENTE",
                city="E",
                region="OV",
            )
        assert refusal.value.code == "duplicate"

    def test_it_validates_the_model(self, world):
        before = row_counts()
        with pytest.raises(ValidationError) as error:
            services.create_organisation(
                actor=world.office, kind="castle", name="X", city="", region="ZZ"
            )
        assert {"kind", "city", "region"} <= set(error.value.message_dict)
        assert row_counts() == before

    def test_it_updates_only_what_changed(self, world):
        services.update_organisation(
            actor=world.office,
            organisation=world.hospital_b,
            changes={"city": "Schiedam", "name": world.hospital_b.name},
        )
        event = AuditEvent.objects.get(action="organisation.updated")
        assert event.data == {"fields": ["city"]}

    def test_it_refuses_to_rename_to_another_name_in_another_case(self, world):
        with pytest.raises(ActionRefused) as refusal:
            services.update_organisation(
                actor=world.office,
                organisation=world.hospital_b,
                changes={"name": "amstelland MEDISCH centrum"},
            )
        assert refusal.value.code == "duplicate"
        world.hospital_b.refresh_from_db()
        assert world.hospital_b.name == "Ziekenhuis De Maasoever"
        services.update_organisation(
            actor=world.office,
            organisation=world.hospital_b,
            changes={"name": "ZIEKENHUIS DE MAASOEVER"},
        )

    def test_it_keeps_the_kind_while_people_hold_roles(self, world):
        with pytest.raises(ActionRefused) as refusal:
            services.update_organisation(
                actor=world.office, organisation=world.university, changes={"kind": "hospital"}
            )
        assert refusal.value.code == "kind_in_use"
        empty = Organisation.objects.create(kind="hospital", name="Leeg", city="X", region="UT")
        services.update_organisation(
            actor=world.office, organisation=empty, changes={"kind": "care_institution"}
        )
        empty.refresh_from_db()
        assert empty.kind == OrganisationKind.CARE_INSTITUTION


class TestDepartments:
    def test_it_creates_renames_and_audits(self, world):
        department = services.create_department(
            actor=world.office, organisation=world.hospital_a, name="  Radiologie "
        )
        assert department.name == "Radiologie"
        services.update_department(
            actor=world.office, department=department, name="Beeldvorming", is_active=False
        )
        assert [e.action for e in AuditEvent.objects.order_by("id")] == [
            "department.created",
            "department.updated",
        ]

    def test_it_lets_only_the_office_create(self, world):
        with pytest.raises(PermissionDenied):
            services.create_department(
                actor=world.coordinator_a, organisation=world.hospital_a, name="Eigen afdeling"
            )


class TestRoles:
    @pytest.mark.parametrize(
        ("kind", "organisation", "fits"),
        [
            (RoleKind.PROGRAMME_OFFICE, "university", True),
            (RoleKind.UNIVERSITY_SUPERVISOR, "university", True),
            (RoleKind.EXAMINATION_BOARD, "university", True),
            (RoleKind.COMMITTEE_MEMBER, "university", True),
            (RoleKind.COMMITTEE_MEMBER, "hospital_a", True),
            (RoleKind.HOSPITAL_COORDINATOR, "hospital_a", True),
            (RoleKind.MEDICAL_DOCTOR, "hospital_a", True),
            (RoleKind.HOSPITAL_SUPERVISOR, "hospital_a", True),
            (RoleKind.TRAINEE, "hospital_a", True),
            (RoleKind.PROGRAMME_OFFICE, "hospital_a", False),
            (RoleKind.UNIVERSITY_SUPERVISOR, "hospital_a", False),
            (RoleKind.EXAMINATION_BOARD, "hospital_a", False),
            (RoleKind.HOSPITAL_COORDINATOR, "university", False),
            (RoleKind.MEDICAL_DOCTOR, "university", False),
            (RoleKind.HOSPITAL_SUPERVISOR, "university", False),
            (RoleKind.TRAINEE, "university", False),
        ],
    )
    def test_it_lets_each_role_be_held_only_where_it_fits(self, world, kind, organisation, fits):
        person = UserFactory()
        assign = lambda: services.assign_role(  # noqa: E731
            actor=world.office, person=person, organisation=getattr(world, organisation), kind=kind
        )
        if fits:
            assert assign().kind == kind
        else:
            with pytest.raises(ValidationError) as error:
                assign()
            assert "organisation" in error.value.message_dict
            assert not person.roles.exists()

    def test_it_gives_the_new_rights_at_once(self, world):
        person = UserFactory()
        assert not roles.is_programme_office(person)
        services.assign_role(
            actor=world.office,
            person=person,
            organisation=world.university,
            kind=RoleKind.PROGRAMME_OFFICE,
        )
        assert roles.is_programme_office(person)

    def test_it_refuses_the_same_role_twice(self, world):
        with pytest.raises(ActionRefused) as refusal:
            services.assign_role(
                actor=world.office,
                person=world.doctor_a,
                organisation=world.hospital_a,
                kind=RoleKind.MEDICAL_DOCTOR,
            )
        assert refusal.value.code == "duplicate"

    def test_it_refuses_a_department_elsewhere_and_an_end_before_the_start(self, world):
        with pytest.raises(ValidationError) as error:
            services.assign_role(
                actor=world.office,
                person=world.applicant,
                organisation=world.hospital_a,
                kind=RoleKind.TRAINEE,
                department=DepartmentFactory(organisation=world.hospital_b),
            )
        assert "department" in error.value.message_dict
        with pytest.raises(ValidationError):
            services.assign_role(
                actor=world.office,
                person=world.applicant,
                organisation=world.hospital_a,
                kind=RoleKind.TRAINEE,
                starts_on=TODAY,
                ends_on=TODAY - dt.timedelta(days=1),
            )
        assert not world.applicant.roles.exists()

    def test_it_lets_the_system_assign_without_an_actor(self, world):
        services.assign_role(
            actor=None, person=world.applicant, organisation=world.hospital_a, kind="trainee"
        )
        event = AuditEvent.objects.get(action="role.assigned")
        assert event.actor is None

    def test_it_lets_only_the_office_assign(self, world):
        with pytest.raises(PermissionDenied):
            services.assign_role(
                actor=world.coordinator_a,
                person=world.applicant,
                organisation=world.hospital_a,
                kind=RoleKind.TRAINEE,
            )

    def test_it_ends_a_role_with_a_reason_and_keeps_it_in_history(self, world):
        role = world.trainee_a.roles.get()
        services.end_role(actor=world.office, role=role, reason="  Finished  ")
        role.refresh_from_db()
        assert role.ends_on == TODAY
        assert Role.objects.filter(pk=role.pk).exists()
        event = AuditEvent.objects.get(action="role.ended")
        assert event.reason == "Finished"

    @pytest.mark.parametrize("reason", ["", "   "])
    def test_it_needs_a_reason_to_end_a_role(self, world, reason):
        with pytest.raises(ActionRefused) as refusal:
            services.end_role(actor=world.office, role=world.trainee_a.roles.get(), reason=reason)
        assert refusal.value.code == "reason_required"

    def test_it_refuses_an_end_before_the_start(self, world):
        role = world.trainee_a.roles.get()
        with pytest.raises(ActionRefused) as refusal:
            services.end_role(
                actor=world.office,
                role=role,
                reason="typo",
                ends_on=role.starts_on - dt.timedelta(days=1),
            )
        assert refusal.value.code == "invalid_date"
