"""The PDF diploma and supplement: PDFs with the signed credential attached inside and a QR code
holding the short link to the public verification page; the supplement lists every component
with EC and dates, the design project and its assessment, the hospital and the university. A
discontinued trainee gets a statement of the completed components instead."""

from __future__ import annotations

import io
import json

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from qme.graduation import documents, issuing
from qme.graduation.credentials import CredentialError, credential_from_pdf
from qme.training import services as training
from qme.training.models import RecordStatus
from tests.training.factories import fresh

from .builders import record_for, sign_off_all
from .pdfs import pdf_text, qr_holds, qr_modules


def _download(client, diploma, kind: str):
    response = client.get(f"/diplomas/{diploma.number}/{kind}/")
    assert response.status_code == 200, (kind, response.status_code)
    return response


def test_it_reads_a_qr_code_back(diploma):
    """The reader of the tests tells one link's code from another's."""
    data = documents.diploma_pdf(diploma)
    assert len(qr_modules(data)) > 200
    assert qr_holds(data, f"{settings.SITE_URL}/v/{diploma.number}/")
    assert not qr_holds(data, f"{settings.SITE_URL}/v/{diploma.number}X/")
    assert not qr_holds(data, f"{settings.SITE_URL}/verify/")


def test_the_diploma_is_a_pdf_with_the_credential_and_a_qr_code(diploma, world, client_for):
    response = _download(client_for(world.trainee_a), diploma, "diploma")
    data = response.content
    assert response["Content-Type"] == "application/pdf"
    assert f'filename="{diploma.number}.pdf"' in response["Content-Disposition"]
    assert response["Content-Disposition"].startswith("attachment")
    assert data.startswith(b"%PDF-")
    assert credential_from_pdf(data) == diploma.credential
    assert qr_holds(data, f"{settings.SITE_URL}/v/{diploma.number}/")
    text = pdf_text(data)
    for expected in (
        "Tim Trainee",
        diploma.number,
        "Engineering Doctorate (EngD)",
        "Amstelland Medisch Centrum",
        "University of Twente",
        "Quieter, smarter ICU alarms",
        f"/v/{diploma.number}/",
    ):
        assert expected in text, expected


def test_the_supplement_lists_every_component_with_ec_and_dates(diploma, world, client_for):
    data = _download(client_for(world.trainee_a), diploma, "supplement").content
    assert data.startswith(b"%PDF-")
    assert credential_from_pdf(data) == diploma.credential
    assert qr_holds(data, f"{settings.SITE_URL}/v/{diploma.number}/")
    text = pdf_text(data)
    records = {r.title: r for r in diploma.traineeship.records.all()}
    assert len(records) == 7
    for title, record in records.items():
        assert record.status == RecordStatus.SIGNED_OFF
        [line] = [line for line in text.splitlines() if line.startswith(title)]
        assert " EC " in line
        assert f"{record.completed_on:%Y-%m-%d}" in line
    assert "Design project: ICU alarms — 60 EC" in text
    assert "Total signed off: 120 EC" in text
    for expected in (
        "Tim Trainee",
        diploma.number,
        "Hospital: Amstelland Medisch Centrum",
        "University: University of Twente",
        "Design project: Quieter, smarter ICU alarms",
        "Design report: artefact 4/5, process 3/5",
    ):
        assert expected in text, expected


def test_the_diploma_and_supplement_are_bilingual_and_the_same_in_either_language(
    diploma, world, client_for
):
    """Dutch first, English beside it: one document, whatever language the reader uses."""
    issued = timezone.localtime(diploma.issued_at).date()
    texts = {}
    for language in ("nl", "en"):
        world.trainee_a.language = language
        world.trainee_a.save(update_fields=["language"])
        client = client_for(world.trainee_a)
        texts[language] = {
            kind: pdf_text(_download(client, diploma, kind).content)
            for kind in ("diploma", "supplement")
        }
    assert texts["nl"] == texts["en"]
    diploma_text, supplement = texts["nl"]["diploma"], texts["nl"]["supplement"]
    for expected in (
        "Hierbij wordt verklaard dat",
        "This is to certify that",
        "met goed gevolg heeft afgerond",
        "has successfully completed",
        "gerechtigd is de graad Engineering Doctorate (EngD) te voeren",
        f"Diplomanummer / Diploma number: {diploma.number}",
        f"Uitgereikt op {documents.date_nl(issued)} / Issued on {documents.date_en(issued)}",
        "Ontwerpproject / Design project:",
    ):
        assert expected in diploma_text, expected
    for expected in (
        "Diplomasupplement / Diploma supplement",
        "Onderdelen / Components",
        "Houder / Holder: Tim Trainee",
        "Beoordeling van het ontwerp / Assessment of the design output",
        "Totaal afgetekend / Total signed off: 120 EC",
    ):
        assert expected in supplement, expected


def test_dates_are_written_out_in_both_languages():
    import datetime as dt

    day = dt.date(2026, 3, 5)
    assert documents.date_nl(day) == "5 maart 2026"
    assert documents.date_en(day) == "5 March 2026"


def test_a_long_name_and_project_title_stay_on_the_page(diploma, world):
    diploma.holder_name = "Maximiliaan Alexander Johannes van den Broek-Oosterhuis de Vries"
    diploma.traineeship.design_project_title = "A very long design project title " * 4
    data = documents.diploma_pdf(diploma)
    text = pdf_text(data)
    assert diploma.holder_name in text
    supplement = pdf_text(documents.supplement_pdf(diploma))
    assert "Ontwerpproject / Design project: A very long design project title" in supplement


def test_the_credential_downloads_as_json(diploma, world, client_for):
    response = _download(client_for(world.trainee_a), diploma, "credential")
    assert response["Content-Type"] == "application/ld+json"
    assert json.loads(response.content) == diploma.credential


def test_an_unknown_kind_of_file_is_404(diploma, world, client_for):
    client = client_for(world.trainee_a)
    for kind in ("transcript", "DIPLOMA", "..", "%00"):
        assert client.get(f"/diplomas/{diploma.number}/{kind}/").status_code == 404


def test_the_pdf_verifies_offline_and_on_the_public_page(
    diploma, world, client_for, visitor, tmp_path
):
    data = _download(client_for(world.trainee_a), diploma, "diploma").content
    client = visitor
    path = tmp_path / "diploma.pdf"
    path.write_bytes(data)
    status_list = tmp_path / "status.json"
    status_list.write_bytes(client.get("/credentials/status/1").content)
    out = io.StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command("verify", str(path), "--status-list", str(status_list), stdout=out)
    assert exited.value.code == 0, out.getvalue()
    assert out.getvalue().startswith("VALID")
    page = client.post("/verify/", {"file": io.BytesIO(data)})
    assert page.status_code == 200
    assert "verdict-valid" in page.content.decode()
    assert "Tim Trainee" in page.content.decode()


def test_the_statement_is_only_for_a_discontinued_trainee(world, rules, catalogue, client_for):
    record = record_for(world, catalogue)
    workshop = record.item_of(catalogue.communication)
    sign_off_all(record, except_=(workshop,))
    client = client_for(world.office)
    assert client.get(f"/graduation/statement/{record.traineeship.pk}/").status_code == 404
    training.discontinue(
        actor=fresh(world.office), traineeship=record.traineeship, reason="Moved abroad."
    )
    for person in (world.office, world.trainee_a):
        response = client_for(person).get(f"/graduation/statement/{record.traineeship.pk}/")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF-")
    text = pdf_text(response.content)
    assert "Statement of completed components" in text
    assert "Verklaring van afgeronde onderdelen" in text
    assert "Tim Trainee" in text
    assert "Medical device regulation" in text
    assert "Communicating with clinicians" not in text  # not completed
    assert "Totaal / Total: 118 EC" in text
    assert "Engineering Doctorate" not in text
    with pytest.raises(CredentialError):
        credential_from_pdf(response.content)
    assert (
        client_for(world.coordinator_b)
        .get(f"/graduation/statement/{record.traineeship.pk}/")
        .status_code
        == 404
    )


def test_a_graduate_gets_no_statement(diploma, world, client_for):
    client = client_for(world.trainee_a)
    assert client.get(f"/graduation/statement/{diploma.traineeship_id}/").status_code == 404


def test_the_pdfs_of_a_revoked_diploma_still_carry_its_credential(diploma, world):
    issuing.revoke(actor=fresh(world.office), diploma=diploma, reason="Fraud.")
    data = documents.diploma_pdf(diploma)
    assert issuing.verify_diploma(credential_from_pdf(data)).outcome == "REVOKED"
