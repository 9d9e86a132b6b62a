"""The trainee downloads their whole record as a ZIP: record.json, the evidence and deliverable
files, the diploma PDFs and credential, and portfolio.pdf in their language. Also after
graduating and when discontinued; the programme office may export anyone's (audited); nobody
else may."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from qme.audit.models import AuditEvent
from qme.training import services as training_services
from qme.training.models import ItemRecord
from tests.factories import person_with_role
from tests.helpers import api
from tests.training.factories import PDF_BYTES, fresh, traineeship_of

from .builders import REPORT_BYTES, json_in, unzip


def export(client, traineeship):
    return client.post(f"/personal-data/traineeships/{traineeship.pk}/export/")


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_it_exports_the_whole_record_of_a_graduate(world, graduate, client_for):
    archive = unzip(export(client_for(world.trainee_a), graduate.traineeship))
    record = json_in(archive, "record.json")
    assert record["trainee"] == {"name": "Tim Trainee", "e-mail address": "tim@example.org"}
    t = record["traineeship"]
    assert t["hospital"] == "Amstelland Medisch Centrum"
    assert t["status"] == "Completed"
    # The plan in its versions, with EC and dates.
    plan = t["plan versions"][-1]
    assert plan["status"] == "Approved"
    titles = {item["title"]: item for item in plan["items"]}
    assert titles["Design project: ICU alarms"]["EC"] == "60"
    assert sum(float(item["EC"]) for item in plan["items"]) == 120
    # Every item signed off, each with its evidence file in the ZIP, byte for byte.
    done = t["completed items"]
    assert len(done) == len(plan["items"])
    assert {d["status"] for d in done} == {"Signed off"}
    for item in done:
        assert archive.read(item["evidence file"]) == PDF_BYTES
    # The deliverable, byte for byte.
    deliverables = [d for m in t["design project"]["milestones"] for d in m["deliverables"]]
    assert [d["file name"] for d in deliverables] == ["design-report.pdf"]
    assert archive.read(deliverables[0]["file"]) == REPORT_BYTES
    # Feedback received, with the trainee's response.
    feedback = t["feedback received"]
    assert feedback[0]["by"] == "Sara Supervisor"
    assert feedback[0]["what went well"] == graduate.feedback.went_well
    assert feedback[0]["responses"][0]["text"] == "Thanks, I will bring them."
    # Reviews and the agreed assessment.
    assert any(r["outcome"] == "Satisfactory" for r in t["reviews"])
    assessment = t["assessments"][0]
    assert (assessment["the artefact"], assessment["the design process"]) == (4, 3)
    # The diploma with its credential and files.
    diploma = t["diplomas"][0]
    assert diploma["number"] == graduate.diploma.number
    assert diploma["credential"] == graduate.diploma.credential
    for name in diploma["files"]:
        assert name in archive.namelist()
    assert archive.read(f"diploma/{graduate.diploma.number}.pdf").startswith(b"%PDF")
    assert t["graduation"][0]["status"] == "Granted"


def test_multisource_results_are_as_the_trainee_sees_them(world, graduate, client_for):
    record = json_in(
        unzip(export(client_for(world.trainee_a), graduate.traineeship)), "record.json"
    )
    rounds = {r["title"]: r for r in record["traineeship"]["multisource feedback"]}
    anonymous = rounds["Six months on the ward"]
    assert anonymous["results visible"]
    assert anonymous["answers"] == 3
    assert all("from" not in comment for comment in anonymous["comments"])
    assert [a["average"] for a in anonymous["averages"]] == [4.0, 4.0]
    # Never who answered an anonymous round, nor their addresses.
    text = unzip(export(client_for(world.trainee_a), graduate.traineeship)).read("record.json")
    for request in graduate.anonymous_round.requests.all():
        assert request.email.encode() not in text
        assert request.name.encode() not in text
    # A named round names its people, as the trainee's page does.
    named = rounds["Named round"]
    assert named["results visible"] is True
    assert named["comments"][0]["from"] == "Wendy Ward"
    assert named["comments"][0]["what went well"] == "Named praise from the ward."


def test_the_portfolio_opens_and_holds_the_name_and_the_sections(world, graduate, client_for):
    archive = unzip(export(client_for(world.trainee_a), graduate.traineeship))
    text = pdf_text(archive.read("portfolio.pdf"))
    assert "Tim Trainee" in text
    for section in (
        "Portfolio",
        "Training plan",
        "Completed components",
        "Design project",
        "Feedback",
        "Multisource feedback",
        "Progress reviews",
        "Assessment of the design output",
        "Diploma",
    ):
        assert section in text, section
    assert graduate.diploma.number in text


def test_the_portfolio_speaks_the_trainee_s_language(world, graduate, client_for):
    trainee = fresh(world.trainee_a)
    trainee.language = "nl"
    trainee.save()
    archive = unzip(export(client_for(trainee), graduate.traineeship))
    text = pdf_text(archive.read("portfolio.pdf"))
    assert "Opleidingsplan" in text
    assert "Training plan" not in text


def test_the_office_exports_any_trainee_s_record_and_it_is_audited(world, graduate, client_for):
    before = AuditEvent.objects.filter(action="privacy.record_exported").count()
    archive = unzip(export(client_for(world.office), graduate.traineeship))
    assert "record.json" in archive.namelist()
    event = AuditEvent.objects.filter(action="privacy.record_exported").first()
    assert AuditEvent.objects.filter(action="privacy.record_exported").count() == before + 1
    assert event.actor_id == world.office.pk
    assert event.target_id == str(graduate.traineeship.pk)


def test_a_double_click_gives_two_whole_downloads(world, graduate, client_for):
    client = client_for(world.trainee_a)
    first = unzip(export(client, graduate.traineeship))
    second = unzip(export(client, graduate.traineeship))
    assert sorted(first.namelist()) == sorted(second.namelist())
    assert ItemRecord.objects.filter(traineeship=graduate.traineeship).exclude(evidence="").exists()


def test_a_discontinued_trainee_exports_their_record_with_the_statement(
    world, rules, catalogue, client_for
):
    traineeship = traineeship_of(world)
    training_services.discontinue(
        actor=fresh(world.office), traineeship=traineeship, reason="Moved abroad."
    )
    archive = unzip(export(client_for(world.trainee_a), traineeship))
    record = json_in(archive, "record.json")
    assert record["traineeship"]["status"] == "Discontinued"
    assert archive.read("statement-of-completed-components.pdf").startswith(b"%PDF")
    assert "Tim Trainee" in pdf_text(archive.read("portfolio.pdf"))


@pytest.fixture
def other_trainee(world):
    return person_with_role(
        "trainee", world.hospital_a, full_name="Otto Other", email="otto@example.org"
    )


def test_another_trainee_gets_404(world, graduate, client_for, other_trainee):
    client = client_for(other_trainee)
    assert export(client, graduate.traineeship).status_code == 404
    assert (
        api(client, "get", f"privacy/traineeships/{graduate.traineeship.pk}/record").status_code
        == 404
    )


@pytest.mark.parametrize("persona", ["supervisor_a", "university_supervisor", "coordinator_a"])
def test_supervisors_and_the_coordinator_see_the_record_but_do_not_export_it(
    world, graduate, client_for, persona
):
    client = client_for(getattr(world, persona))
    assert export(client, graduate.traineeship).status_code == 403
    answer = api(client, "get", f"privacy/traineeships/{graduate.traineeship.pk}/record")
    assert answer.status_code == 403


@pytest.mark.parametrize("persona", ["coordinator_b", "applicant", "board_member"])
def test_people_who_cannot_see_the_traineeship_get_404(world, graduate, client_for, persona):
    assert export(client_for(getattr(world, persona)), graduate.traineeship).status_code == 404


def test_signed_out_the_export_asks_for_a_sign_in(graduate, client):
    response = export(client, graduate.traineeship)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_get_does_not_export(world, graduate, client_for):
    response = client_for(world.trainee_a).get(
        f"/personal-data/traineeships/{graduate.traineeship.pk}/export/"
    )
    assert response.status_code == 405


def test_an_unknown_traineeship_is_404(world, client_for):
    assert (
        client_for(world.office).post("/personal-data/traineeships/999999/export/").status_code
        == 404
    )


def test_the_api_gives_the_record_as_json(world, graduate, client_for):
    answer = api(
        client_for(world.trainee_a), "get", f"privacy/traineeships/{graduate.traineeship.pk}/record"
    )
    assert answer.status_code == 200
    assert answer.json()["traineeship"]["diplomas"][0]["number"] == graduate.diploma.number


def test_the_export_costs_the_same_queries_with_a_longer_record(
    world, graduate, client_for, django_assert_max_num_queries
):
    client = client_for(world.trainee_a)
    with django_assert_max_num_queries(80):
        unzip(export(client, graduate.traineeship))


def test_the_office_s_export_of_a_dutch_trainee_is_in_dutch(world, graduate, client_for):
    trainee = fresh(world.trainee_a)
    trainee.language = "nl"
    trainee.save()
    office = fresh(world.office)
    office.language = "en"
    office.save()
    archive = unzip(export(client_for(office), graduate.traineeship))
    record = json_in(archive, "record.json")
    assert record["traineeship"]["status"] == "Afgerond"
    text = pdf_text(archive.read("portfolio.pdf"))
    assert "Opleidingsplan" in text
