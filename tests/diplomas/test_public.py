"""Anyone, without signing in, checks a diploma by its number, by the QR link or by uploading the
credential or the PDF, on a page or through the API; the register lists the graduates who opted
in. Public pages are rate-limited, and no input makes them fail."""

from __future__ import annotations

import copy
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from qme.graduation import documents, issuing
from qme.graduation.models import Diploma
from tests.conftest import build_world
from tests.helpers import api
from tests.sharing import shared
from tests.training.factories import PDF_BYTES, catalogue_for, fresh, rules_for

from .builders import diploma_of

# Each test class builds the personas, the cohort rules and the signed diploma its tests ask for
# once (tests/sharing.py): every test runs in a savepoint inside that data and gets its own copy
# of the objects and of the signing keys, so what one test changes never reaches the next.
SHARED = ("world", "catalogue", "rules", "diploma")


@pytest.fixture(autouse=True)
def _data(request, shared_db, settings) -> dict:
    # Each of these needs the ones before it: build up to the last one the test asks for.
    asked = [name for name in SHARED if name in request.fixturenames]
    needed = SHARED[: SHARED.index(asked[-1]) + 1] if asked else ()

    def build() -> dict:
        data: dict = dict.fromkeys(SHARED)
        if "world" in needed:
            data["world"] = build_world()
        if "catalogue" in needed:
            data["catalogue"] = catalogue_for()
        if "rules" in needed:
            data["rules"] = rules_for(data["catalogue"])
        if "diploma" in needed:
            data["diploma"] = diploma_of(data["world"], data["catalogue"])
        return data

    return shared(request, shared_db, settings, needed, build)


@pytest.fixture
def world(_data, db):
    return _data["world"]


@pytest.fixture
def catalogue(_data, db):
    return _data["catalogue"]


@pytest.fixture
def rules(_data, db):
    return _data["rules"]


@pytest.fixture
def diploma(_data, db):
    return _data["diploma"]


def _text(response) -> str:
    return response.content.decode()


def attach_credential_bytes(pdf: bytes, content: bytes) -> bytes:
    """The PDF with a second `credential.json` of the given bytes."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        writer.add_page(page)
    writer.add_attachment("credential.json", content)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _upload(content: bytes, name: str = "diploma.json", content_type: str = "application/json"):
    return SimpleUploadedFile(name, content, content_type=content_type)


class TestByNumber:
    def test_the_qr_link_shows_a_valid_diploma_without_signing_in(self, diploma, client):
        response = client.get(f"/v/{diploma.number}/")
        assert response.status_code == 200
        text = _text(response)
        assert "verdict-valid" in text
        for expected in (
            "Valid",
            "Tim Trainee",
            "Engineering Doctorate (EngD)",
            diploma.number,
            "QME Programme Office",
        ):
            assert expected in text, expected

    def test_the_qr_link_is_kept_until_the_diploma_is_revoked(self, diploma, client, world):
        """Checking the signature is most of the page's cost: it is done once, and again as
        soon as the diploma, the keys or the status list change (qme.core.kept)."""
        url = f"/v/{diploma.number}/"
        client.get(url)
        with CaptureQueriesContext(connection) as kept:
            assert "verdict-valid" in _text(client.get(url))
        assert len(kept) == 0, [q["sql"] for q in kept.captured_queries]
        issuing.revoke(actor=fresh(world.office), diploma=diploma, reason="Fraud.")
        text = _text(client.get(url))
        assert "verdict-revoked" in text
        assert "Revoked on" in text

    def test_the_kept_page_speaks_the_reader_s_language(self, diploma, client):
        url = f"/v/{diploma.number}/"
        assert "Valid" in _text(client.get(url))
        client.cookies["qme_language"] = "nl"
        assert "Geldig" in _text(client.get(url))

    @pytest.mark.parametrize("how", ["get", "post", "lower case", "spaces"])
    def test_the_verify_page_finds_a_diploma_by_its_number(self, diploma, client, how):
        number = {"lower case": diploma.number.lower(), "spaces": f"  {diploma.number} "}.get(
            how, diploma.number
        )
        if how == "post":
            response = client.post("/verify/", {"number": number})
        else:
            response = client.get("/verify/", {"number": number})
        assert response.status_code == 200
        assert "verdict-valid" in _text(response)
        assert "Tim Trainee" in _text(response)

    def test_the_verify_page_says_when_there_is_no_such_diploma(self, diploma, client):
        response = client.get("/verify/", {"number": "QME-1999-0001"})
        assert response.status_code == 200
        assert "There is no diploma with this number." in _text(response)
        assert "verdict-" not in _text(response)
        response = client.post("/verify/", {"number": "  "})
        assert "Give a diploma number or choose a file." in _text(response)

    def test_the_api_answers_by_number_without_signing_in(self, diploma, client):
        answer = client.get(f"/api/v1/diplomas/{diploma.number}/verification")
        assert answer.status_code == 200
        body = answer.json()
        assert body["outcome"] == "VALID"
        assert body["number"] == diploma.number
        assert body["holder"] == "Tim Trainee"
        assert body["issued"]
        assert body["revoked"] is None
        assert client.get("/api/v1/diplomas/QME-1999-0001/verification").status_code == 404

    def test_the_issuer_and_the_status_list_are_public(self, diploma, client):
        for path in ("/credentials/issuer", "/credentials/status/1"):
            response = client.get(path)
            assert response.status_code == 200
            assert response.json()["id"].endswith(path)


class TestByUpload:
    def test_an_uploaded_credential_is_valid(self, diploma, client):
        response = client.post(
            "/verify/", {"file": _upload(json.dumps(diploma.credential).encode())}
        )
        assert response.status_code == 200
        assert "verdict-valid" in _text(response)
        assert diploma.number in _text(response)

    def test_an_uploaded_pdf_is_valid(self, diploma, client):
        data = documents.diploma_pdf(diploma)
        response = client.post("/verify/", {"file": _upload(data, "d.pdf", "application/pdf")})
        assert "verdict-valid" in _text(response)

    def test_a_changed_credential_is_not_valid_and_says_why(self, diploma, client):
        changed = copy.deepcopy(diploma.credential)
        changed["credentialSubject"]["identifier"][0]["identityHash"] = "Tim Trainee PhD"
        response = client.post("/verify/", {"file": _upload(json.dumps(changed).encode())})
        assert response.status_code == 200
        text = _text(response)
        assert "verdict-invalid" in text
        assert "Not valid" in text
        assert "signature does not match" in text
        answer = api(client, "post", "verify", changed)
        assert answer.status_code == 200
        assert answer.json()["outcome"] == "INVALID"
        assert "signature" in answer.json()["reason"]

    @pytest.mark.parametrize("language", ["nl", "en"])
    def test_the_reason_is_explained_in_the_reader_s_language_with_a_stable_code(
        self, diploma, client, language
    ):
        from django.utils import translation

        from qme.graduation.reasons import TEXTS

        changed = copy.deepcopy(diploma.credential)
        changed["credentialSubject"]["identifier"][0]["identityHash"] = "Tim Trainee PhD"
        client.cookies["qme_language"] = language
        with translation.override(language):
            expected = str(TEXTS["signature_mismatch"])
            not_valid = str(translation.gettext("Not valid"))
        response = client.post("/verify/", {"file": _upload(json.dumps(changed).encode())})
        text = _text(response)
        assert not_valid in text
        assert expected in text
        # The English technical line stays available, as `qme verify` prints it.
        assert 'data-reason-code="signature_mismatch"' in text
        assert "the signature does not match" in text
        answer = client.post(
            "/api/v1/verify",
            data=json.dumps(changed),
            content_type="application/json",
            headers={"accept-language": language},
        )
        body = answer.json()
        assert body["outcome"] == "INVALID"
        assert body["reason_code"] == "signature_mismatch"
        assert body["reason_codes"] == ["signature_mismatch"]
        assert body["reason"].startswith("the signature does not match")
        assert body["message"] == expected

    @pytest.mark.parametrize(
        ("change", "code"),
        [
            (lambda c: c.pop("proof"), "no_proof"),
            (lambda c: c["proof"].update(proofValue=c["proof"]["proofValue"] + " "), "proof_value"),
            (lambda c: c.update(validFrom="2999-01-01T00:00:00Z"), "not_yet_valid"),
            (lambda c: c.update(validUntil="2000-01-01T00:00:00Z"), "expired"),
            (lambda c: c.update(note="not in any context"), "undefined_terms"),
            (lambda c: c["@context"].append("https://example.org/ctx.json"), "context_not_bundled"),
            (lambda c: c.update(type=["VerifiableCredential"]), "not_an_open_badge"),
            (
                lambda c: c["proof"].update(
                    verificationMethod=c["proof"]["verificationMethod"] + "x"
                ),
                "verification_method",
            ),
        ],
    )
    def test_each_kind_of_reason_has_its_code(self, diploma, client, change, code):
        from qme.graduation.reasons import TEXTS

        changed = copy.deepcopy(diploma.credential)
        change(changed)
        result = issuing.verify_diploma(changed)
        assert result.outcome == "INVALID"
        assert code in result.codes, (result.codes, result.reason)
        assert code in TEXTS
        answer = api(client, "post", "verify", changed).json()
        assert code in answer["reason_codes"]

    def test_a_revoked_diploma_has_the_code_revoked(self, diploma, client, world):
        issuing.revoke(actor=fresh(world.office), diploma=diploma, reason="Fraud.")
        answer = client.get(f"/api/v1/diplomas/{diploma.number}/verification").json()
        assert answer["outcome"] == "REVOKED"
        assert answer["reason_code"] == "revoked"
        assert answer["reason_codes"] == []
        valid = api(client, "post", "verify", {"id": "x"}).json()
        assert valid["outcome"] == "INVALID"
        assert valid["reason_code"]

    def test_an_unreadable_upload_is_explained_in_the_reader_s_language(self, diploma, client):
        from django.utils import translation

        from qme.graduation.reasons import TEXTS

        client.cookies["qme_language"] = "nl"
        response = client.post("/verify/", {"file": _upload(b"{not json", "x.json")})
        with translation.override("nl"):
            expected = str(TEXTS["not_json"])
        assert expected in _text(response)

    def test_the_api_verifies_a_posted_credential(self, diploma, client):
        answer = api(client, "post", "verify", diploma.credential)
        assert answer.status_code == 200
        assert answer.json()["outcome"] == "VALID"
        assert answer.json()["number"] == diploma.number
        assert answer.json()["holder"] == "Tim Trainee"


class TestTheRegister:
    def test_it_lists_only_graduates_who_opted_in_and_not_revoked(
        self, world, rules, catalogue, visitor, client_for
    ):
        client = visitor
        from .test_issuing import _another_graduate

        tim = diploma_of(world, catalogue)
        other = _another_graduate(world, catalogue, 2)
        third = _another_graduate(world, catalogue, 3)
        assert "Tim Trainee" not in _text(client.get("/register/"))
        trainee = client_for(world.trainee_a)
        trainee.post(f"/diplomas/{tim.number}/", {"in_register": "yes"})
        Diploma.objects.filter(pk=third.pk).update(in_register=True)
        issuing.revoke(actor=fresh(world.office), diploma=third, reason="Fraud.")
        text = _text(client.get("/register/"))
        assert "Tim Trainee" in text
        assert "Amstelland Medisch Centrum" in text
        assert "Quieter, smarter ICU alarms" in text
        assert f'<td data-label="Year">{tim.issued_at:%Y}</td>' in text
        assert "Graduate 2" not in text  # did not opt in
        assert "Graduate 3" not in text  # revoked
        assert other.number not in text
        # Opting out again removes them.
        client_for(world.trainee_a).post(f"/diplomas/{tim.number}/", {"in_register": "no"})
        assert "Tim Trainee" not in _text(client.get("/register/"))

    def test_only_the_graduate_chooses(self, diploma, world, client_for):
        response = client_for(world.office).post(
            f"/diplomas/{diploma.number}/", {"in_register": "yes"}
        )
        assert response.status_code == 200
        diploma.refresh_from_db()
        assert diploma.in_register is False


class TestRateLimits:
    @pytest.fixture(autouse=True)
    def _one_window(self, monkeypatch):
        """The limit counts per minute: keep the clock of the limit within one minute."""
        from types import SimpleNamespace

        monkeypatch.setattr("qme.core.ratelimit.time", SimpleNamespace(time=lambda: 6_000_000.0))

    @pytest.mark.parametrize(
        "request_",
        [
            ("get", "/v/{number}/"),
            ("get", "/verify/?number={number}"),
            ("post", "/verify/"),
            ("get", "/api/v1/diplomas/{number}/verification"),
            ("api-post", "verify"),
        ],
        ids=["qr-link", "verify-get", "verify-post", "api-number", "api-credential"],
    )
    def test_checks_from_one_address_are_limited(self, diploma, client, request_):
        method, path = request_
        path = path.format(number=diploma.number)

        def once():
            if method == "api-post":
                return api(client, "post", path, diploma.credential)
            if method == "post":
                return client.post(path, {"number": diploma.number})
            return client.get(path)

        statuses = [once().status_code for _ in range(60)]
        assert set(statuses) == {200}
        assert once().status_code == 429
        # Another address is not affected.
        other = client.get(f"/v/{diploma.number}/", REMOTE_ADDR="192.0.2.7")
        assert other.status_code == 200

    def test_the_limit_is_shared_by_the_pages_and_the_api(self, diploma, client):
        for _ in range(30):
            assert client.get(f"/v/{diploma.number}/").status_code == 200
        for _ in range(30):
            answer = client.get(f"/api/v1/diplomas/{diploma.number}/verification")
            assert answer.status_code == 200
        assert client.get(f"/v/{diploma.number}/").status_code == 429
        answer = client.get(f"/api/v1/diplomas/{diploma.number}/verification")
        assert answer.status_code == 429
        assert answer.json()["code"] == "rate_limited"


GARBAGE_NUMBERS = [
    "x",
    "QME-2026-00000000000000000000000000000000000000001",
    "' OR 1=1 --",
    "%00",
    "QME%002026",
    "%E2%80%AE",
    "%F0%9F%8E%93",
    "%C0%AF",
    "..%2F..%2Fetc%2Fpasswd",
    "x" * 3000,
]


class TestBadInput:
    @pytest.mark.parametrize("number", GARBAGE_NUMBERS)
    def test_garbage_numbers_are_404_or_a_message(self, diploma, client, number):
        assert client.get(f"/v/{number}/").status_code == 404
        assert client.get(f"/api/v1/diplomas/{number}/verification").status_code == 404
        response = client.get(f"/verify/?number={number}")
        assert response.status_code == 200
        assert "verdict-" not in _text(response)

    @pytest.mark.parametrize(
        "number",
        ["QME\x002026", "\x00", "a\ud800b".encode("utf-8", "surrogatepass").decode("latin-1")],
    )
    def test_control_characters_in_a_posted_number_are_a_message(self, diploma, client, number):
        response = client.post("/verify/", {"number": number})
        assert response.status_code == 200
        assert "verdict-" not in _text(response)

    @pytest.mark.parametrize(
        ("name", "content"),
        [
            ("empty.json", b""),
            ("text.json", b"hello"),
            ("array.json", b"[1, 2, 3]"),
            ("string.json", b'"a credential"'),
            ("number.json", b"42"),
            ("null.json", b"null"),
            ("object.json", b"{}"),
            ("latin1.json", '{"name": "é"}'.encode("latin-1")),
            ("bom.json", b"\xef\xbb\xbf{}"),
            ("nul.json", b'{"id": "https://x/v/QME\\u0000/", "type": "x"}'),
            ("id.json", b'{"id": {"nested": true}, "@context": 5}'),
            ("deep.json", b"[" * 100_000 + b"]" * 100_000),
            ("deep-object.json", b'{"a":' * 50_000 + b"1" + b"}" * 50_000),
            ("huge-number.json", b'{"creditsEarned": 1' + b"0" * 5000 + b"}"),
            ("image.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100),
            ("empty.pdf", PDF_BYTES),
            ("broken.pdf", b"%PDF-1.7\n" + b"\xff" * 1000),
            ("truncated.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog /Names << /EmbeddedFiles"),
        ],
    )
    def test_uploads_that_are_not_credentials_never_fail(self, diploma, client, name, content):
        response = client.post("/verify/", {"file": _upload(content, name)})
        assert response.status_code == 200, (name, response.status_code)
        text = _text(response)
        assert "verdict-valid" not in text
        answer = client.post("/api/v1/verify", data=content, content_type="application/json")
        assert answer.status_code in (200, 400, 422), (name, answer.status_code)
        if answer.status_code == 200:
            assert answer.json()["outcome"] == "INVALID"

    def test_a_pdf_with_its_credential_changed_is_not_valid(self, diploma, client):
        from pypdf import PdfWriter

        from qme.graduation.credentials import attach_credential

        writer = PdfWriter()
        writer.add_blank_page(width=595, height=842)
        blank = io.BytesIO()
        writer.write(blank)
        changed = copy.deepcopy(diploma.credential)
        changed["validFrom"] = "2020-01-01T00:00:00Z"
        data = attach_credential(blank.getvalue(), changed)
        response = client.post("/verify/", {"file": _upload(data, "d.pdf", "application/pdf")})
        assert response.status_code == 200
        assert "verdict-invalid" in _text(response)

    def test_a_pdf_with_a_second_credential_attached_is_not_taken_as_valid(self, diploma, client):
        from qme.graduation.credentials import attach_credential

        changed = copy.deepcopy(diploma.credential)
        changed["credentialSubject"]["identifier"][0]["identityHash"] = "Someone Else"
        data = attach_credential(documents.diploma_pdf(diploma), changed)
        response = client.post("/verify/", {"file": _upload(data, "d.pdf", "application/pdf")})
        assert response.status_code == 200
        assert "verdict-valid" not in _text(response)

    def test_a_file_over_5_mb_is_refused_with_a_message(self, diploma, client):
        big = b"{" + b" " * (6 * 1024 * 1024) + b"}"
        response = client.post("/verify/", {"file": _upload(big)})
        assert response.status_code in (200, 400, 413)
        assert response.status_code != 500
        if response.status_code == 200:
            assert "larger than 5 MB" in _text(response)
        answer = client.post("/api/v1/verify", data=big, content_type="application/json")
        assert answer.status_code in (400, 413, 422)

    @pytest.mark.parametrize(
        "payload",
        ['"x"', "[]", "null", "{", '{"id": null}', '{"id": 5}', '{"proof": []}', "\x00"],
    )
    def test_the_api_refuses_bodies_that_are_no_credential(self, diploma, client, payload):
        answer = client.post("/api/v1/verify", data=payload, content_type="application/json")
        assert answer.status_code in (200, 400, 422), answer.status_code
        if answer.status_code == 200:
            assert answer.json()["outcome"] == "INVALID"

    @pytest.mark.parametrize("depth", [200, 5_000, 200_000])
    def test_absurdly_nested_json_is_invalid_on_the_page_and_in_the_api(
        self, diploma, client, depth
    ):
        body = ('{"@context": ' + "[" * depth + "]" * depth + "}").encode()
        response = client.post("/verify/", {"file": _upload(body)})
        assert response.status_code == 200
        assert "verdict-valid" not in _text(response)
        assert "nested" in _text(response)
        pdf = attach_credential_bytes(documents.diploma_pdf(diploma), body)
        response = client.post("/verify/", {"file": _upload(pdf, "d.pdf", "application/pdf")})
        assert response.status_code == 200
        assert "verdict-valid" not in _text(response)
        answer = client.post("/api/v1/verify", data=body, content_type="application/json")
        assert answer.status_code in (200, 400, 422), answer.status_code
        if answer.status_code == 200:
            assert answer.json()["outcome"] == "INVALID"

    def test_a_get_of_the_api_verify_or_another_method_is_not_a_failure(self, db, client):
        assert client.get("/api/v1/verify").status_code == 405
        assert client.put("/verify/").status_code == 405
        assert client.delete("/v/QME-2026-0001/").status_code in (404, 405)


def test_many_uploads_of_the_pdf_stay_fast_enough(diploma, client):
    """A PDF is read once; nothing is fetched over the network (the graduation tests refuse it)."""
    data = documents.diploma_pdf(diploma)
    for _ in range(3):
        response = client.post("/verify/", {"file": io.BytesIO(data)})
        assert "verdict-valid" in _text(response)
