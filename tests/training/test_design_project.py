"""The design project has its own record: title, problem statement, clinical partner, goals, and
the default milestones with due dates and deliverables, uploaded as versions and private to the
people of the traineeship. A supervisor marks a milestone as reached."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from qme.audit.models import AuditEvent
from qme.core.errors import ActionRefused
from qme.organisations.models import RoleKind
from qme.training import services
from qme.training.models import Deliverable, DesignProject, Milestone
from tests.factories import person_with_role

from .factories import html_as_pdf, pdf_upload, traineeship_of
from .helpers import messages_of, snapshot, text

DEFAULT = [
    ("Project plan", "Projectplan", 61),
    ("Requirements", "Eisen", 122),
    ("Concept design", "Conceptontwerp", 243),
    ("Interim review", "Tussentijdse beoordeling", 365),
    ("Design report", "Ontwerprapport", 638),
    ("Final presentation", "Eindpresentatie", 699),
]


@pytest.fixture
def project(traineeship) -> DesignProject:
    return traineeship.design_project


def _url(traineeship) -> str:
    return f"/training/{traineeship.pk}/project/"


def _upload(client, traineeship, milestone, upload, note=""):
    return client.post(
        _url(traineeship),
        {"action": "upload", "milestone": milestone.pk, "file": upload, "note": note},
        follow=True,
    )


class TestTheRecord:
    def test_it_starts_with_the_default_milestones(self, world, traineeship, project):
        assert project.title == "Quieter, smarter ICU alarms"
        assert project.clinical_partner == world.doctor_a
        milestones = list(project.milestones.all())
        assert [(m.title_en, m.title_nl) for m in milestones] == [(e, n) for e, n, _ in DEFAULT]
        assert [(m.due_on - traineeship.start_date).days for m in milestones] == [
            d for _, _, d in DEFAULT
        ]
        assert [m.order for m in milestones] == [1, 2, 3, 4, 5, 6]

    def test_the_trainee_describes_the_project(self, world, client_for, traineeship, project):
        client = client_for(world.trainee_a)
        page = text(client.get(_url(traineeship)))
        assert "Clinical partner: Dirk Doctor." in page
        assert "Final presentation" in page
        response = client.post(
            _url(traineeship),
            {
                "action": "edit",
                "title": "  Fewer false ICU alarms ",
                "problem_statement": "Nurses hear 700 alarms a day.",
                "goals": "Halve the false alarms.\nKeep every true one.",
            },
            follow=True,
        )
        assert "Your changes have been saved." in messages_of(response)
        project.refresh_from_db()
        assert project.title == "Fewer false ICU alarms"
        assert project.goals == "Halve the false alarms.\nKeep every true one."
        assert "Halve the false alarms.<br>Keep every true one." in text(response)
        event = AuditEvent.objects.get(action="project.updated")
        assert event.data == {"fields": ["goals", "problem_statement", "title"]}

    def test_the_dutch_page_names_the_milestones_in_dutch(
        self, world, client_for, traineeship, project
    ):
        world.trainee_a.language = "nl"
        world.trainee_a.save(update_fields=["language"])
        page = text(client_for(world.trainee_a).get(_url(traineeship)))
        assert "Tussentijdse beoordeling" in page
        assert "Interim review" not in page

    def test_a_coordinator_looks_but_does_not_edit(self, world, client_for, traineeship):
        client = client_for(world.coordinator_a)
        page = text(client.get(_url(traineeship)))
        assert 'value="edit"' not in page
        assert 'value="upload"' not in page
        before = snapshot()
        response = client.post(_url(traineeship), {"action": "edit", "title": "Mine now"})
        assert response.status_code == 403
        assert snapshot() == before


class TestDeliverables:
    def test_each_upload_is_a_new_version(self, world, client_for, traineeship, project):
        milestone = project.milestones.get(order=1)
        client = client_for(world.trainee_a)
        response = _upload(client, traineeship, milestone, pdf_upload("plan.pdf"), "First draft")
        assert "The deliverable has been uploaded." in messages_of(response)
        _upload(client, traineeship, milestone, pdf_upload("plan v2.pdf", b"%PDF-1.7\nsecond"))
        first, second = Deliverable.objects.filter(milestone=milestone).order_by("version")
        assert (first.version, first.original_name, first.note) == (1, "plan.pdf", "First draft")
        assert (second.version, second.original_name) == (2, "plan v2.pdf")
        assert first.file.name != second.file.name
        assert first.file.read().startswith(b"%PDF-1.4")  # the first is not overwritten
        page = text(client.get(_url(traineeship)))
        assert "version 1" in page
        assert "version 2" in page
        # The supervisors upload too (a reviewed version, say).
        _upload(client_for(world.supervisor_a), traineeship, milestone, pdf_upload("review.pdf"))
        assert milestone.deliverables.count() == 3

    def test_html_that_calls_itself_a_pdf_is_refused(self, world, client_for, traineeship, project):
        milestone = project.milestones.get(order=1)
        before = snapshot()
        response = _upload(client_for(world.trainee_a), traineeship, milestone, html_as_pdf())
        assert "Only PDF files can be uploaded here." in messages_of(response)
        response = client_for(world.trainee_a).post(
            _url(traineeship), {"action": "upload", "milestone": milestone.pk}, follow=True
        )
        assert "Choose a PDF file." in messages_of(response)
        assert snapshot() == before

    def test_a_deliverable_is_private_to_the_people_of_the_traineeship(
        self, world, client_for, traineeship, project
    ):
        deliverable = services.upload_deliverable(
            actor=world.trainee_a,
            milestone=project.milestones.get(order=1),
            uploaded=pdf_upload("plan.pdf"),
        )
        url = f"/training/deliverables/{deliverable.pk}/"
        people = ["trainee_a", "university_supervisor", "supervisor_a", "doctor_a", "office"]
        for persona in [*people, "coordinator_a"]:
            response = client_for(getattr(world, persona)).get(url)
            assert response.status_code == 200, persona
            assert response["Content-Disposition"] == 'attachment; filename="plan.pdf"'
            assert response["X-Content-Type-Options"] == "nosniff"
        other_trainee = person_with_role(RoleKind.TRAINEE, world.hospital_a)
        traineeship_of(world, trainee=other_trainee)
        for person in [world.coordinator_b, world.applicant, other_trainee, world.board_member]:
            assert client_for(person).get(url).status_code == 404, person
            assert client_for(person).get(_url(traineeship)).status_code == 404, person

    def test_nobody_outside_uploads(self, world, client_for, traineeship, project):
        milestone = project.milestones.get(order=1)
        before = snapshot()
        for person in [world.coordinator_b, world.applicant]:
            response = _upload(client_for(person), traineeship, milestone, pdf_upload())
            assert response.status_code == 404
        assert snapshot() == before


class TestMilestones:
    def test_a_supervisor_marks_a_milestone_as_reached(
        self, world, client_for, traineeship, project
    ):
        milestone = project.milestones.get(order=1)
        client = client_for(world.university_supervisor)
        assert 'value="reach"' in text(client.get(_url(traineeship)))
        response = client.post(
            _url(traineeship), {"action": "reach", "milestone": milestone.pk}, follow=True
        )
        assert "The milestone is marked as reached." in messages_of(response)
        milestone.refresh_from_db()
        assert milestone.reached_on == timezone.localdate()
        event = AuditEvent.objects.get(action="project.milestone_reached")
        assert (event.actor, event.data) == (
            world.university_supervisor,
            {"milestone": "Project plan"},
        )

    def test_marking_twice_marks_once(self, world, client_for, traineeship, project):
        milestone = project.milestones.get(order=2)
        client = client_for(world.supervisor_a)
        client.post(_url(traineeship), {"action": "reach", "milestone": milestone.pk})
        before = snapshot()
        response = client.post(
            _url(traineeship), {"action": "reach", "milestone": milestone.pk}, follow=True
        )
        assert "This milestone has already been reached." in messages_of(response)
        assert snapshot() == before

    def test_the_trainee_does_not_mark_their_own_milestone(
        self, world, client_for, traineeship, project
    ):
        milestone = project.milestones.get(order=1)
        client = client_for(world.trainee_a)
        assert 'value="reach"' not in text(client.get(_url(traineeship)))
        before = snapshot()
        response = client.post(
            _url(traineeship), {"action": "reach", "milestone": milestone.pk}, follow=True
        )
        assert "A supervisor marks a milestone as reached." in messages_of(response)
        assert snapshot() == before

    @pytest.mark.parametrize("persona", ["coordinator_a", "trainee_a"])
    def test_only_supervisors_and_the_office_reach(self, world, traineeship, project, persona):
        with pytest.raises(ActionRefused):
            services.reach_milestone(
                actor=getattr(world, persona),
                milestone=project.milestones.get(order=1),
                reached_on=timezone.localdate(),
            )

    def test_not_in_the_future(self, world, project):
        with pytest.raises(Exception, match="cannot be in the future"):
            services.reach_milestone(
                actor=world.university_supervisor,
                milestone=project.milestones.get(order=1),
                reached_on=timezone.localdate() + dt.timedelta(days=1),
            )
        assert not Milestone.objects.filter(reached_on__isnull=False).exists()

    def test_a_milestone_of_another_project_is_not_found(self, world, client_for, traineeship):
        other = traineeship_of(world, trainee=world.applicant, hospital=world.hospital_b)
        foreign = other.design_project.milestones.get(order=1)
        before = snapshot()
        response = client_for(world.university_supervisor).post(
            _url(traineeship), {"action": "reach", "milestone": foreign.pk}
        )
        assert response.status_code == 404
        assert snapshot() == before
