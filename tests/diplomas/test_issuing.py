"""The diploma: issued exactly once on a grant, with a unique number, as a signed Open Badges 3.0
OpenBadgeCredential; verifiable with the issuer's published keys and status list; any change
breaks it; rotating keys keeps old diplomas valid; revoking and reissuing are explicit, audited
actions; the traineeship and the position become completed."""

from __future__ import annotations

import copy
import hashlib
import io
import json
import re
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from qme.audit.models import AuditEvent
from qme.core.errors import ActionRefused
from qme.graduation import issuing
from qme.graduation.credentials import KeyRegistry, credential_from_pdf, from_multikey, verify
from qme.graduation.models import CaseStatus, Diploma, GraduationCase, IssuerKey
from qme.positions.models import PositionStatus
from qme.training.models import TraineeshipStatus
from tests.factories import person_with_role
from tests.helpers import api
from tests.positions.factories import BulkPositionFactory
from tests.training.factories import fresh

from .builders import complete_record, diploma_of, granted, proposed
from .pdfs import pdf_text

OB_SCHEMA = (
    "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
)


def _another_graduate(world, catalogue, n: int) -> Diploma:
    from qme.organisations.models import RoleKind

    trainee = person_with_role(
        RoleKind.TRAINEE, world.hospital_a, full_name=f"Graduate {n}", email=f"g{n}@example.org"
    )
    return diploma_of(world, catalogue, trainee=trainee)


def _revoke(world, diploma: Diploma, reason: str = "Issued in error.") -> Diploma:
    return issuing.revoke(actor=fresh(world.office), diploma=diploma, reason=reason)


def _leaves(document: Any, path: tuple = ()):
    if isinstance(document, dict):
        for key, value in document.items():
            yield from _leaves(value, (*path, key))
    elif isinstance(document, list):
        for index, value in enumerate(document):
            yield from _leaves(value, (*path, index))
    else:
        yield path, document


def _changes(value: Any) -> list[Any]:
    """Other values of a leaf: a different one of the same kind, and the same one as text (or as
    a number), in other case, with a space before."""
    if isinstance(value, bool):
        return [not value, str(value).lower(), int(value)]
    if isinstance(value, int | float):
        return [value + 1, str(value), float(value) + 0.5, -value]
    return [value + "x", value.upper(), value.lower(), " " + value, value[:-1], ""]


def _with(document: dict, path: tuple, value: Any) -> dict:
    changed = copy.deepcopy(document)
    target = changed
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return changed


class TestIssuing:
    def test_a_grant_issues_the_diploma_exactly_once(self, world, rules, catalogue):
        record = complete_record(world, catalogue)
        case = granted(world, record.traineeship)
        [diploma] = Diploma.objects.all()
        assert diploma.case == case
        assert diploma.holder_name == "Tim Trainee"
        assert issuing.issue_diploma(case=case) == diploma
        assert issuing.issue_diploma(case=case).credential == diploma.credential
        assert Diploma.objects.count() == 1
        assert AuditEvent.objects.filter(action="diploma.issued").count() == 1

    def test_a_case_that_is_not_granted_gives_no_diploma(self, world, rules, catalogue):
        record = complete_record(world, catalogue)
        case = proposed(world, record.traineeship)
        with pytest.raises(ActionRefused) as refusal:
            issuing.issue_diploma(case=case)
        assert refusal.value.code == "not_granted"
        GraduationCase.objects.filter(pk=case.pk).update(status=CaseStatus.NOT_YET)
        with pytest.raises(ActionRefused):
            issuing.issue_diploma(case=case)
        assert not Diploma.objects.exists()

    def test_numbers_are_unique_and_count_up_per_year(self, world, rules, catalogue):
        year = timezone.localdate().year
        first = diploma_of(world, catalogue)
        second = _another_graduate(world, catalogue, 2)
        assert (first.number, second.number) == (f"QME-{year}-0001", f"QME-{year}-0002")
        assert re.fullmatch(r"QME-\d{4}-\d{4}", first.number)
        assert first.status_index != second.status_index

    def test_numbers_go_on_past_9999(self, world, rules, catalogue):
        year = timezone.localdate().year
        earlier = diploma_of(world, catalogue)
        for n, number in enumerate(
            (f"QME-{year - 1}-0042", f"QME-{year}-9999", f"QME-{year}-10000")
        ):
            Diploma.objects.create(
                traineeship=earlier.traineeship,
                case=earlier.case,
                number=number,
                holder_name="Someone Earlier",
                status_index=1000 + n,
                credential={},
                revoked_at=timezone.now(),
            )
        assert _another_graduate(world, catalogue, 2).number == f"QME-{year}-10001"
        assert _another_graduate(world, catalogue, 3).number == f"QME-{year}-10002"

    def test_the_traineeship_and_the_position_become_completed(self, world, rules, catalogue):
        position = BulkPositionFactory(
            request__hospital=world.hospital_a,
            university=world.university,
            status=PositionStatus.IN_TRAINING,
        )
        diploma = diploma_of(world, catalogue, position=position)
        diploma.traineeship.refresh_from_db()
        position.refresh_from_db()
        assert diploma.traineeship.status == TraineeshipStatus.COMPLETED
        assert position.status == PositionStatus.COMPLETED

    def test_the_graduate_gets_the_credential_by_e_mail(self, world, rules, catalogue, emails):
        record = complete_record(world, catalogue)
        with emails() as sent:
            granted(world, record.traineeship)
        diploma = Diploma.objects.get()
        [message] = [m for m in sent if m.to == [world.trainee_a.email] and m.attachments]
        assert diploma.number in message.subject + message.body
        assert f"/diplomas/{diploma.number}/" in message.body
        by_name = {name: (content, mimetype) for name, content, mimetype in message.attachments}
        assert set(by_name) == {
            f"{diploma.number}.pdf",
            f"{diploma.number}-supplement.pdf",
            f"{diploma.number}.json",
        }
        content, mimetype = by_name[f"{diploma.number}.json"]
        assert mimetype.startswith("application/ld+json")
        assert json.loads(content) == diploma.credential
        assert issuing.verify_diploma(json.loads(content)).outcome == "VALID"
        for name in (f"{diploma.number}.pdf", f"{diploma.number}-supplement.pdf"):
            content, mimetype = by_name[name]
            assert mimetype == "application/pdf"
            assert isinstance(content, bytes)
            assert content.startswith(b"%PDF-")
            # The credential inside the attached PDF verifies, offline and as our own diploma.
            embedded = credential_from_pdf(content)
            assert embedded == diploma.credential
            assert issuing.verify_diploma(embedded).outcome == "VALID"
        assert "Tim Trainee" in pdf_text(by_name[f"{diploma.number}.pdf"][0])
        # And in the app: a notification that leads to the diploma's page.
        from qme.notifications.models import Notification

        assert Notification.objects.filter(
            recipient=world.trainee_a, link=f"/diplomas/{diploma.number}/"
        ).exists()
        assert "Diploma supplement" in pdf_text(by_name[f"{diploma.number}-supplement.pdf"][0])

    def test_the_attached_pdf_verifies_with_qme_verify(
        self, world, rules, catalogue, emails, client, tmp_path
    ):
        record = complete_record(world, catalogue)
        with emails() as sent:
            granted(world, record.traineeship)
        diploma = Diploma.objects.get()
        [message] = [m for m in sent if m.to == [world.trainee_a.email] and m.attachments]
        [pdf] = [c for n, c, _m in message.attachments if n == f"{diploma.number}.pdf"]
        path = tmp_path / "from-the-mail.pdf"
        path.write_bytes(pdf)
        status_list = tmp_path / "status.json"
        status_list.write_bytes(client.get("/credentials/status/1").content)
        out = io.StringIO()
        with pytest.raises(SystemExit) as exited:
            call_command("verify", str(path), "--status-list", str(status_list), stdout=out)
        assert exited.value.code == 0, out.getvalue()
        assert out.getvalue().startswith("VALID: ")

    def test_the_graduate_keeps_access_to_the_diploma_and_the_record(
        self, world, rules, catalogue, client_for
    ):
        diploma = diploma_of(world, catalogue)
        client = client_for(world.trainee_a)
        assert client.get(f"/diplomas/{diploma.number}/").status_code == 200
        assert client.get(f"/training/{diploma.traineeship_id}/").status_code == 200
        page = client.get(f"/graduation/requirements/{diploma.traineeship_id}/")
        assert f'href="/diplomas/{diploma.number}/"' in page.content.decode()
        # A supervisor reads the check and finds the graduate's diploma too.
        page = client_for(world.university_supervisor).get(
            f"/graduation/requirements/{diploma.traineeship_id}/"
        )
        assert page.status_code == 200
        assert f"/diplomas/{diploma.number}/" in page.content.decode()
        client = client_for(world.trainee_a)
        answer = api(client, "get", f"traineeships/{diploma.traineeship_id}/diplomas")
        assert answer.status_code == 200
        assert [d["number"] for d in answer.json()] == [diploma.number]
        assert answer.json()[0]["credential"] == diploma.credential

    def test_the_graduate_keeps_access_when_the_trainee_role_has_ended(
        self, world, rules, catalogue, client_for
    ):
        import datetime as dt

        from qme.organisations.models import Role, RoleKind

        diploma = diploma_of(world, catalogue)
        yesterday = timezone.localdate() - dt.timedelta(days=1)
        Role.objects.filter(user=world.trainee_a, kind=RoleKind.TRAINEE).update(
            starts_on=yesterday - dt.timedelta(days=800), ends_on=yesterday
        )
        client = client_for(world.trainee_a)
        for path in (
            f"/diplomas/{diploma.number}/",
            f"/diplomas/{diploma.number}/diploma/",
            f"/diplomas/{diploma.number}/supplement/",
            f"/diplomas/{diploma.number}/credential/",
            f"/training/{diploma.traineeship_id}/",
            f"/graduation/requirements/{diploma.traineeship_id}/",
        ):
            assert client.get(path).status_code == 200, path
        answer = api(client, "get", f"traineeships/{diploma.traineeship_id}/diplomas")
        assert answer.status_code == 200
        assert [d["number"] for d in answer.json()] == [diploma.number]


class TestTheCredential:
    def test_it_is_an_open_badge_credential_of_a_professional_doctorate(
        self, world, rules, catalogue
    ):
        diploma = diploma_of(world, catalogue)
        credential = diploma.credential
        assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
        assert credential["@context"][0] == "https://www.w3.org/ns/credentials/v2"
        assert "ob/v3p0/context" in credential["@context"][1]
        assert credential["id"] == f"{settings.SITE_URL}/v/{diploma.number}/"
        assert credential["issuer"]["id"] == f"{settings.SITE_URL}/credentials/issuer"
        assert credential["issuer"]["type"] == ["Profile"]
        subject = credential["credentialSubject"]
        achievement = subject["achievement"]
        assert achievement["achievementType"] == "ProfessionalDoctorate"
        assert achievement["creditsAvailable"] == 120
        assert subject["creditsEarned"] == 120
        assert credential["credentialSchema"] == [
            {"id": OB_SCHEMA, "type": credential["credentialSchema"][0]["type"]}
        ]
        assert credential["proof"]["type"] == "DataIntegrityProof"
        assert credential["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
        assert credential["proof"]["proofPurpose"] == "assertionMethod"
        assert credential["proof"]["verificationMethod"].startswith(
            f"{settings.SITE_URL}/credentials/issuer#"
        )

    def test_the_holder_is_named_and_the_e_mail_address_only_hashed_with_a_salt(
        self, world, rules, catalogue
    ):
        diploma = diploma_of(world, catalogue)
        identifiers = {
            i["identityType"]: i for i in diploma.credential["credentialSubject"]["identifier"]
        }
        assert identifiers["name"]["identityHash"] == "Tim Trainee"
        assert identifiers["name"]["hashed"] is False
        email = identifiers["emailAddress"]
        assert email["hashed"] is True
        assert len(email["salt"]) >= 8
        digest = hashlib.sha256(("tim@example.org" + email["salt"]).encode()).hexdigest()
        assert email["identityHash"] == f"sha256${digest}"
        assert "tim@example.org" not in json.dumps(diploma.credential)
        other = _another_graduate(world, catalogue, 2)
        other_email = {
            i["identityType"]: i for i in other.credential["credentialSubject"]["identifier"]
        }["emailAddress"]
        assert other_email["salt"] != email["salt"]

    def test_its_status_is_a_bitstring_status_list_entry_the_app_serves(
        self, world, rules, catalogue, client
    ):
        diploma = diploma_of(world, catalogue)
        status = diploma.credential["credentialStatus"]
        assert status["type"] == "BitstringStatusListEntry"
        assert status["statusPurpose"] == "revocation"
        assert status["statusListIndex"] == str(diploma.status_index)
        assert status["statusListCredential"] == f"{settings.SITE_URL}/credentials/status/1"
        served = client.get("/credentials/status/1")
        assert served.status_code == 200
        status_list = served.json()
        assert status_list["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
        assert status_list["id"] == status["statusListCredential"]
        assert status_list["credentialSubject"]["statusPurpose"] == "revocation"

    def test_it_verifies_as_valid(self, world, rules, catalogue):
        diploma = diploma_of(world, catalogue)
        result = issuing.verify_diploma(diploma.credential)
        assert (result.outcome, result.exit_code) == ("VALID", 0), result.reason
        assert result.key_source == "registry"

    def test_it_verifies_with_only_what_the_app_publishes(self, world, rules, catalogue, client):
        """An outside verifier needs nothing but the issuer's profile and the status list."""
        diploma = diploma_of(world, catalogue)
        profile = client.get("/credentials/issuer").json()
        assert profile["id"] == f"{settings.SITE_URL}/credentials/issuer"
        assert profile["assertionMethod"] == [m["id"] for m in profile["verificationMethod"]]
        registry = KeyRegistry(
            {
                profile["id"]: {
                    m["id"]: from_multikey(m["publicKeyMultibase"])
                    for m in profile["verificationMethod"]
                }
            }
        )
        status_list = client.get("/credentials/status/1").json()
        result = verify(diploma.credential, status_list=status_list, key_resolver=registry)
        assert result.outcome == "VALID", result.reason
        assert verify(diploma.credential, key_resolver=registry).outcome == "STATUS_UNKNOWN"

    def test_changing_any_single_field_makes_it_invalid(self, world, rules, catalogue):
        diploma = diploma_of(world, catalogue)
        leaves = list(_leaves(diploma.credential))
        assert len(leaves) > 40
        survivors = []
        for path, value in leaves:
            for changed in _changes(value):
                if changed == value and type(changed) is type(value):
                    continue
                result = issuing.verify_diploma(_with(diploma.credential, path, changed))
                if result.outcome != "INVALID":
                    survivors.append((path, changed, result.outcome))
        assert survivors == []
        # A field added or removed is caught as well.
        for path, _value in leaves:
            if path[0] == "proof":
                continue
            cut = copy.deepcopy(diploma.credential)
            target = cut
            for step in path[:-1]:
                target = target[step]
            del target[path[-1]]
            assert issuing.verify_diploma(cut).outcome == "INVALID", path
        added = copy.deepcopy(diploma.credential)
        added["credentialSubject"]["achievement"]["creditsAvailable"] = 120.5
        assert issuing.verify_diploma(added).outcome == "INVALID"
        extra = copy.deepcopy(diploma.credential)
        extra["credentialSubject"]["unsignedExtra"] = "not in any context"
        assert issuing.verify_diploma(extra).outcome == "INVALID"
        assert issuing.verify_diploma(diploma.credential).outcome == "VALID"

    @pytest.mark.parametrize("tail", [" ", "\n", "\u00a0"])
    def test_whitespace_after_the_proof_value_makes_it_invalid(self, world, rules, catalogue, tail):
        diploma = diploma_of(world, catalogue)
        changed = _with(
            diploma.credential,
            ("proof", "proofValue"),
            diploma.credential["proof"]["proofValue"] + tail,
        )
        assert issuing.verify_diploma(changed).outcome == "INVALID"

    def test_a_credential_signed_with_another_key_is_invalid(self, world, rules, catalogue):
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        from qme.graduation.credentials import sign

        diploma = diploma_of(world, catalogue)
        unsigned = {k: v for k, v in diploma.credential.items() if k != "proof"}
        forged = sign(
            copy.deepcopy(unsigned),
            Ed25519PrivateKey.generate(),
            diploma.credential["proof"]["verificationMethod"],
        )
        result = issuing.verify_diploma(forged)
        assert result.outcome == "INVALID"


class TestKeys:
    def test_the_signing_key_lives_in_the_configured_folder_not_in_the_database(
        self, world, rules, catalogue, tmp_path
    ):
        diploma = diploma_of(world, catalogue)
        key = IssuerKey.objects.get()
        assert diploma.credential["proof"]["verificationMethod"].endswith(f"#{key.key_id}")
        path = tmp_path / "keys" / f"{key.key_id}.pem"
        assert path.exists()
        assert path.stat().st_mode & 0o077 == 0
        assert "PRIVATE" not in json.dumps(list(IssuerKey.objects.values()), default=str)

    def test_rotating_the_key_keeps_old_diplomas_valid(self, world, rules, catalogue, client):
        old = diploma_of(world, catalogue)
        old_method = old.credential["proof"]["verificationMethod"]
        new_key = issuing.rotate_signing_key()
        assert IssuerKey.objects.filter(active=True).get() == new_key
        new = _another_graduate(world, catalogue, 2)
        assert new.credential["proof"]["verificationMethod"].endswith(f"#{new_key.key_id}")
        assert new.credential["proof"]["verificationMethod"] != old_method
        assert issuing.verify_diploma(old.credential).outcome == "VALID"
        assert issuing.verify_diploma(new.credential).outcome == "VALID"
        published = {
            m["id"] for m in client.get("/credentials/issuer").json()["verificationMethod"]
        }
        assert old_method in published
        assert new.credential["proof"]["verificationMethod"] in published
        assert AuditEvent.objects.filter(action="issuer.key_rotated").count() == 2
        # Revoking after the rotation re-signs the list with the new key: both are read right.
        _revoke(world, old)
        assert issuing.verify_diploma(old.credential).outcome == "REVOKED"
        assert issuing.verify_diploma(new.credential).outcome == "VALID"


class TestRevoking:
    def test_a_revoked_diploma_verifies_as_revoked(self, world, rules, catalogue, client):
        diploma = diploma_of(world, catalogue)
        before = timezone.now()
        _revoke(world, diploma, "  The design report was plagiarised.  ")
        diploma.refresh_from_db()
        assert diploma.revoked_at >= before
        assert diploma.revoked_by == world.office
        assert diploma.revoked_reason == "The design report was plagiarised."
        result = issuing.verify_diploma(diploma.credential)
        assert (result.outcome, result.exit_code) == ("REVOKED", 2)
        event = AuditEvent.objects.get(action="diploma.revoked")
        assert (event.actor, event.reason) == (world.office, "The design report was plagiarised.")
        # The public page says so, with the date, without signing in.
        page = client.get(f"/v/{diploma.number}/")
        assert page.status_code == 200
        text = page.content.decode()
        assert "Revoked" in text
        assert "verdict-revoked" in text
        assert "verdict-valid" not in text
        answer = client.get(f"/api/v1/diplomas/{diploma.number}/verification")
        assert answer.status_code == 200
        assert answer.json()["outcome"] == "REVOKED"
        assert answer.json()["revoked"]
        answer = api(client, "post", "verify", diploma.credential)
        assert answer.json()["outcome"] == "REVOKED"

    def test_qme_verify_reads_the_status_list_file(self, world, rules, catalogue, client, tmp_path):
        diploma = diploma_of(world, catalogue)
        credential = tmp_path / "diploma.json"
        credential.write_text(json.dumps(diploma.credential))
        status_list = tmp_path / "status.json"

        def run(*args: str) -> tuple[int, str]:
            out = io.StringIO()
            with pytest.raises(SystemExit) as exited:
                call_command("verify", *args, stdout=out)
            return exited.value.code, out.getvalue()

        status_list.write_bytes(client.get("/credentials/status/1").content)
        code, out = run(str(credential), "--status-list", str(status_list))
        assert (code, out.split(":")[0]) == (0, "VALID"), out
        code, out = run(str(credential))
        assert (code, out.split(":")[0]) == (3, "STATUS UNKNOWN"), out
        _revoke(world, diploma)
        status_list.write_bytes(client.get("/credentials/status/1").content)
        code, out = run(str(credential), "--status-list", str(status_list))
        assert (code, out.split(":")[0]) == (2, "REVOKED"), out
        assert out.count("\n") == 1

    def test_a_reason_is_required_and_a_diploma_is_revoked_once(self, world, rules, catalogue):
        diploma = diploma_of(world, catalogue)
        for reason in ("", "   "):
            with pytest.raises(ActionRefused):
                _revoke(world, diploma, reason)
        assert issuing.verify_diploma(diploma.credential).outcome == "VALID"
        _revoke(world, diploma)
        with pytest.raises(ActionRefused) as refusal:
            _revoke(world, diploma, "Again.")
        assert refusal.value.code == "already_revoked"
        assert AuditEvent.objects.filter(action="diploma.revoked").count() == 1

    @pytest.mark.parametrize("persona", ["board_member", "trainee_a", "coordinator_a"])
    def test_only_the_office_revokes(self, world, rules, catalogue, client_for, persona):
        from django.core.exceptions import PermissionDenied

        diploma = diploma_of(world, catalogue)
        with pytest.raises(PermissionDenied):
            issuing.revoke(actor=fresh(getattr(world, persona)), diploma=diploma, reason="No.")
        response = client_for(getattr(world, persona)).post(
            f"/diplomas/{diploma.number}/revoke/", {"reason": "No."}
        )
        assert response.status_code in (403, 404)
        diploma.refresh_from_db()
        assert diploma.revoked_at is None
        assert issuing.verify_diploma(diploma.credential).outcome == "VALID"

    def test_the_office_revokes_on_the_diploma_page(self, world, rules, catalogue, client_for):
        diploma = diploma_of(world, catalogue)
        client = client_for(world.office)
        assert "Revoke" in client.get(f"/diplomas/{diploma.number}/").content.decode()
        response = client.post(f"/diplomas/{diploma.number}/revoke/", {"reason": ""}, follow=True)
        assert Diploma.objects.get().revoked_at is None
        response = client.post(
            f"/diplomas/{diploma.number}/revoke/",
            {"action": "revoke", "reason": "Fraud."},
            follow=True,
        )
        assert response.status_code == 200
        assert Diploma.objects.get().revoked_reason == "Fraud."

    def test_reissuing_revokes_the_old_one_and_points_it_to_the_new(
        self, world, rules, catalogue, client
    ):
        old = diploma_of(world, catalogue)
        new = issuing.reissue(
            actor=fresh(world.office),
            diploma=old,
            reason="The name was misspelled.",
            holder_name="Tim T. Trainee",
        )
        old.refresh_from_db()
        assert old.replaced_by == new
        assert new.replaces == old
        assert new.number != old.number
        assert new.holder_name == "Tim T. Trainee"
        names = {
            i["identityType"]: i["identityHash"]
            for i in new.credential["credentialSubject"]["identifier"]
        }
        assert names["name"] == "Tim T. Trainee"
        assert issuing.verify_diploma(old.credential).outcome == "REVOKED"
        assert issuing.verify_diploma(new.credential).outcome == "VALID"
        event = AuditEvent.objects.get(action="diploma.reissued")
        assert event.data == {"replaces": old.number}
        assert event.reason == "The name was misspelled."
        text = client.get(f"/v/{old.number}/").content.decode()
        assert f"/v/{new.number}/" in text
        assert "Revoked" in text
        answer = client.get(f"/api/v1/diplomas/{new.number}/verification").json()
        assert (answer["outcome"], answer["holder"]) == ("VALID", "Tim T. Trainee")
