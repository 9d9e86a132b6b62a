"""Every form of the training pages meets empty, huge, markup, SQL and NUL input, unknown ids and
wrong types: it never crashes, refuses with an error, and stores nothing partial. What it accepts
is stored as plain text and shown escaped. Pressing a button twice does the thing once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from qme.training import services
from qme.training.models import (
    CatalogueItem,
    DesignProject,
    Extension,
    ItemRecord,
    Leave,
    PlanItem,
    Traineeship,
)
from tests.conftest import build_world
from tests.helpers import HOSTILE_TEXT
from tests.sharing import handed_out, shared_objects

from .factories import (
    approved_plan,
    catalogue_for,
    complete_plan,
    html_as_pdf,
    item_titled,
    pdf_upload,
    recorded,
    rules_for,
    traineeship_of,
)
from .helpers import messages_of, snapshot, text

UNKNOWN_IDS = ["999999", "abc", "-1", "1.5", "99999999999999999999", "", "<b>", "1\x00"]
BAD_DATES = ["tomorrow", "2031-02-30", "31-12-2031", "x" * 10_000, "2031-01-01\x00", ""]
#: Hostile text that is still text: stored as typed, shown escaped.
VALID_TEXT = {v for v in HOSTILE_TEXT if v.strip() and len(v) < 200 and "\x00" not in v}


def _refused(response, before) -> None:
    assert response.status_code in (200, 302), response.status_code
    assert snapshot() == before


def _draft(world, catalogue, traineeship):
    """An approved first version and a draft second one."""
    approved_plan(traineeship, catalogue)
    return services.start_plan_version(actor=world.trainee_a, traineeship=traineeship)


# The personas, the cohort rules, Tim's traineeship and the plan or item a test asks for are built
# once for the consecutive tests of a test class (tests/sharing.py): every test runs in a
# savepoint inside that data and gets its own copy of the objects.
MAKERS = {
    "world": ((), lambda d: build_world()),
    "catalogue": ((), lambda d: catalogue_for()),
    "rules": (("catalogue",), lambda d: rules_for(d["catalogue"])),
    "traineeship": (("world", "rules"), lambda d: traineeship_of(d["world"])),
    "draft": (
        ("world", "catalogue", "traineeship"),
        lambda d: _draft(d["world"], d["catalogue"], d["traineeship"]),
    ),
    "item": (
        ("catalogue", "traineeship"),
        lambda d: item_titled(
            approved_plan(d["traineeship"], d["catalogue"]), "Medical device regulation"
        ),
    ),
}


@pytest.fixture(autouse=True)
def _data(request, shared_db, settings) -> dict:
    return shared_objects(request, shared_db, settings, MAKERS)


world = handed_out("world")
catalogue = handed_out("catalogue")
rules = handed_out("rules")
traineeship = handed_out("traineeship")
draft = handed_out("draft")


def _item_form(traineeship, **overrides) -> dict:
    data = {
        "action": "add",
        "kind": "clinical_project",
        "title": "Clinical project: MRI protocol",
        "ec": "6",
        "planned_start": (traineeship.start_date + dt.timedelta(days=300)).isoformat(),
        "planned_end": (traineeship.start_date + dt.timedelta(days=400)).isoformat(),
    }
    data.update(overrides)
    return data


class TestThePlanPage:
    @pytest.mark.parametrize("value", HOSTILE_TEXT)
    def test_it_handles_hostile_titles(self, world, client_for, traineeship, draft, value):
        client = client_for(world.trainee_a)
        url = f"/training/{traineeship.pk}/plan/"
        before = snapshot()
        response = client.post(url, _item_form(traineeship, title=value))
        if value in VALID_TEXT:
            assert response.status_code == 302
            assert draft.items.filter(title=value.strip()).exists()
            page = text(client.get(url))
            assert "<script>alert" not in page
        else:
            assert response.status_code == 200
            assert "title" in response.context["form"].errors
            assert snapshot() == before

    @pytest.mark.parametrize(
        ("field", "value"),
        [
            (field, value)
            for field in ["ec", "planned_start", "planned_end", "kind", "catalogue_item"]
            for value in ["0", "-1", "121", "1.25", "abc", "NaN", "Infinity", "1e3", "", "\x00"]
            # An own item names no catalogue item: that is the normal case.
            if (field, value) != ("catalogue_item", "")
        ],
    )
    def test_it_refuses_wrong_numbers_dates_and_choices(
        self, world, client_for, traineeship, draft, field, value
    ):
        before = snapshot()
        response = client_for(world.trainee_a).post(
            f"/training/{traineeship.pk}/plan/", _item_form(traineeship, **{field: value})
        )
        assert response.status_code == 200
        assert response.context["form"].errors
        assert snapshot() == before

    @pytest.mark.parametrize("value", BAD_DATES)
    def test_it_refuses_wrong_dates(self, world, client_for, traineeship, draft, value):
        before = snapshot()
        response = client_for(world.trainee_a).post(
            f"/training/{traineeship.pk}/plan/", _item_form(traineeship, planned_end=value)
        )
        assert response.status_code == 200
        assert "planned_end" in response.context["form"].errors
        assert snapshot() == before

    def test_it_refuses_an_end_before_the_start(self, world, client_for, traineeship, draft):
        before = snapshot()
        response = client_for(world.trainee_a).post(
            f"/training/{traineeship.pk}/plan/",
            _item_form(
                traineeship,
                planned_start=traineeship.start_date.isoformat(),
                planned_end=(traineeship.start_date - dt.timedelta(days=1)).isoformat(),
            ),
        )
        assert response.context["form"].errors["planned_end"] == [
            "The end must be on or after the start."
        ]
        assert snapshot() == before

    def test_an_inactive_catalogue_item_is_not_offered(
        self, world, client_for, catalogue, traineeship, draft
    ):
        CatalogueItem.objects.filter(pk=catalogue.design_methods.pk).update(is_active=False)
        before = snapshot()
        response = client_for(world.trainee_a).post(
            f"/training/{traineeship.pk}/plan/",
            _item_form(traineeship, catalogue_item=catalogue.design_methods.pk),
        )
        assert "catalogue_item" in response.context["form"].errors
        assert snapshot() == before

    @pytest.mark.parametrize("value", UNKNOWN_IDS)
    def test_removing_an_unknown_item_is_a_404(self, world, client_for, traineeship, draft, value):
        before = snapshot()
        response = client_for(world.trainee_a).post(
            f"/training/{traineeship.pk}/plan/", {"action": "remove", "item": value}
        )
        assert response.status_code == 404
        assert snapshot() == before

    def test_an_item_of_the_approved_version_is_not_removed_from_the_page(
        self, world, client_for, traineeship, draft
    ):
        old = PlanItem.objects.filter(plan__traineeship=traineeship, plan__version=1).first()
        before = snapshot()
        response = client_for(world.trainee_a).post(
            f"/training/{traineeship.pk}/plan/", {"action": "remove", "item": old.pk}
        )
        assert response.status_code == 404
        assert snapshot() == before

    @pytest.mark.parametrize("value", ["x" * 2001, "A note\x00"])
    def test_it_refuses_a_note_too_long_or_with_a_nul(
        self, world, client_for, traineeship, draft, value
    ):
        before = snapshot()
        response = client_for(world.trainee_a).post(
            f"/training/{traineeship.pk}/plan/", {"action": "submit", "note": value}, follow=True
        )
        assert response.status_code == 200
        assert messages_of(response)
        assert snapshot() == before

    @pytest.mark.parametrize("value", ["", "   ", "x" * 2001, "Not like this\x00"])
    def test_it_refuses_a_bad_reason_to_send_the_plan_back(
        self, world, client_for, catalogue, traineeship, value
    ):
        draft = complete_plan(traineeship, catalogue)
        services.submit_plan(actor=world.trainee_a, plan=draft)
        before = snapshot()
        response = client_for(world.university_supervisor).post(
            f"/training/{traineeship.pk}/plan/",
            {"action": "send_back", "reason": value},
            follow=True,
        )
        assert response.status_code == 200
        assert messages_of(response)
        assert snapshot() == before

    @pytest.mark.parametrize("action", ["", "explode", "approve", "send_back", "<b>", "\x00"])
    def test_an_unknown_or_untimely_action_changes_nothing(
        self, world, client_for, traineeship, draft, action
    ):
        before = snapshot()
        response = client_for(world.trainee_a).post(
            f"/training/{traineeship.pk}/plan/", {"action": action}
        )
        assert response.status_code in (200, 302, 403)
        assert snapshot() == before

    def test_adding_twice_adds_once(self, world, client_for, traineeship, draft):
        client = client_for(world.trainee_a)
        count = draft.items.count()
        client.post(f"/training/{traineeship.pk}/plan/", _item_form(traineeship))
        response = client.post(f"/training/{traineeship.pk}/plan/", _item_form(traineeship))
        assert "This plan already has an item with this title." in text(response)
        assert draft.items.count() == count + 1


class TestRecording:
    @pytest.fixture
    def item(self, _data, db):
        """The regulation course of an approved plan."""
        return _data["item"]

    def _post(self, client, traineeship, item, **overrides):
        data = {"completed_on": timezone.localdate().isoformat(), "grade": "8", "note": ""}
        data.update(overrides)
        return client.post(f"/training/{traineeship.pk}/items/{item.pk}/record/", data)

    @pytest.mark.parametrize(
        ("field", "value"),
        [
            *(("completed_on", v) for v in BAD_DATES),
            ("grade", "x" * 51),
            ("grade", "8\x00"),
            ("note", "x" * 2001),
            ("note", "fine\x00"),
        ],
    )
    def test_it_refuses_wrong_fields(self, world, client_for, traineeship, item, field, value):
        before = snapshot()
        response = self._post(client_for(world.trainee_a), traineeship, item, **{field: value})
        assert response.status_code == 200
        assert field in response.context["form"].errors
        assert snapshot() == before

    @pytest.mark.parametrize(
        "upload",
        [
            SimpleUploadedFile("empty.pdf", b"", content_type="application/pdf"),
            SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024)),
            SimpleUploadedFile("evil.exe", b"MZ\x90\x00", content_type="application/pdf"),
            "html",
        ],
        ids=["empty", "too-big", "exe", "html"],
    )
    def test_it_refuses_evidence_that_is_not_a_pdf(
        self, world, client_for, traineeship, item, upload
    ):
        upload = html_as_pdf() if upload == "html" else upload
        before = snapshot()
        response = self._post(client_for(world.trainee_a), traineeship, item, evidence=upload)
        assert response.status_code == 200
        assert "evidence" in response.context["form"].errors
        assert snapshot() == before

    def test_a_hostile_file_name_is_not_a_path(self, world, client_for, traineeship, item):
        response = self._post(
            client_for(world.trainee_a),
            traineeship,
            item,
            evidence=pdf_upload("../../../etc/passwd.pdf"),
        )
        assert response.status_code == 302
        record = ItemRecord.objects.get()
        assert record.evidence.name.startswith(f"private/evidence/{traineeship.pk}/")
        assert ".." not in record.evidence.name

    @pytest.mark.parametrize("pk", ["999999", "99999999999999999999"])
    def test_an_unknown_item_or_record_is_a_404(self, world, client_for, traineeship, item, pk):
        client = client_for(world.trainee_a)
        assert client.get(f"/training/{traineeship.pk}/items/{pk}/record/").status_code == 404
        assert client.get(f"/training/records/{pk}/").status_code == 404
        assert client.get(f"/training/records/{pk}/evidence/").status_code == 404
        assert client.get(f"/training/{pk}/").status_code == 404

    @pytest.mark.parametrize("value", ["", "   ", "x" * 2001, "Missing\x00"])
    def test_it_refuses_a_bad_comment_to_send_back(
        self, world, client_for, traineeship, item, value
    ):
        record = recorded(traineeship, item)
        before = snapshot()
        response = client_for(world.university_supervisor).post(
            f"/training/records/{record.pk}/",
            {"action": "send_back", "comment": value},
            follow=True,
        )
        assert response.status_code == 200
        assert messages_of(response)
        assert snapshot() == before

    @pytest.mark.parametrize("action", ["", "approve", "\x00", "sign_off "])
    def test_an_unknown_action_on_the_record_changes_nothing(
        self, world, client_for, traineeship, item, action
    ):
        record = recorded(traineeship, item)
        before = snapshot()
        response = client_for(world.university_supervisor).post(
            f"/training/records/{record.pk}/", {"action": action}
        )
        assert response.status_code == 302
        assert snapshot() == before

    def test_a_record_without_evidence_has_no_download(self, world, client_for, traineeship, item):
        record = recorded(traineeship, item, evidence=None)
        response = client_for(world.trainee_a).get(f"/training/records/{record.pk}/evidence/")
        assert response.status_code == 404


class TestTheProjectPage:
    @pytest.mark.parametrize("value", HOSTILE_TEXT)
    @pytest.mark.parametrize("field", ["title", "problem_statement", "goals"])
    def test_it_handles_hostile_text(self, world, client_for, traineeship, field, value):
        data = {"action": "edit", "title": "ICU alarms", "problem_statement": "", "goals": ""}
        data[field] = value
        before = snapshot()
        response = client_for(world.trainee_a).post(f"/training/{traineeship.pk}/project/", data)
        project = DesignProject.objects.get(traineeship=traineeship)
        if response.status_code == 302:
            assert getattr(project, field) == value.strip()
        else:
            assert response.status_code == 200
            assert field in response.context["form"].errors
            assert snapshot() == before

    @pytest.mark.parametrize("action", ["upload", "reach"])
    @pytest.mark.parametrize("value", UNKNOWN_IDS)
    def test_an_unknown_milestone_is_a_404(self, world, client_for, traineeship, action, value):
        before = snapshot()
        response = client_for(world.university_supervisor).post(
            f"/training/{traineeship.pk}/project/",
            {"action": action, "milestone": value, "file": pdf_upload()},
        )
        assert response.status_code == 404
        assert snapshot() == before

    @pytest.mark.parametrize("note", ["x" * 501, "note\x00"])
    def test_it_refuses_a_bad_note_with_a_deliverable(self, world, client_for, traineeship, note):
        milestone = traineeship.design_project.milestones.first()
        before = snapshot()
        response = client_for(world.trainee_a).post(
            f"/training/{traineeship.pk}/project/",
            {"action": "upload", "milestone": milestone.pk, "file": pdf_upload(), "note": note},
            follow=True,
        )
        assert response.status_code == 200
        [message] = messages_of(response)
        assert message in (
            "Ensure this value has at most 500 characters (it has 501).",
            "Null characters are not allowed.",
        )
        assert snapshot() == before


class TestTheOfficeForms:
    @pytest.mark.parametrize(
        "data",
        [
            {"kind": "holiday", "starts_on": "2030-01-01", "ends_on": "2030-01-02"},
            {"kind": "sick", "starts_on": "2030-01-02", "ends_on": "2030-01-01"},
            {"kind": "sick", "starts_on": "2030-02-30", "ends_on": "2030-03-01"},
            {"kind": "sick", "starts_on": "2030-01-01", "ends_on": ""},
            {"kind": "sick", "starts_on": "2030-01-01", "ends_on": "2030-01-02", "note": "x" * 501},
            {"kind": "sick", "starts_on": "2030-01-01", "ends_on": "2030-01-02", "note": "\x00"},
        ],
    )
    def test_leave(self, world, client_for, traineeship, data):
        before = snapshot()
        response = client_for(world.office).post(f"/training/{traineeship.pk}/leave/", data)
        assert response.status_code == 200
        assert response.context["form"].errors
        assert snapshot() == before

    @pytest.mark.parametrize(
        "data",
        [
            {"days": "0", "reason": "Why"},
            {"days": "-5", "reason": "Why"},
            {"days": "731", "reason": "Why"},
            {"days": "abc", "reason": "Why"},
            {"days": "1e9", "reason": "Why"},
            {"days": "30", "reason": ""},
            {"days": "30", "reason": "   "},
            {"days": "30", "reason": "x" * 2001},
            {"days": "30", "reason": "Why\x00"},
        ],
    )
    def test_extension(self, world, client_for, traineeship, data):
        before = snapshot()
        response = client_for(world.office).post(f"/training/{traineeship.pk}/extend/", data)
        assert response.status_code == 200
        assert response.context["form"].errors
        assert snapshot() == before

    @pytest.mark.parametrize("reason", ["", "   ", "x" * 2001, "Gone\x00"])
    def test_discontinue(self, world, client_for, traineeship, reason):
        before = snapshot()
        response = client_for(world.office).post(
            f"/training/{traineeship.pk}/discontinue/", {"reason": reason}
        )
        assert response.status_code == 200
        assert response.context["form"].errors
        assert snapshot() == before

    def test_extending_twice_extends_once(self, world, client_for, traineeship):
        client = client_for(world.office)
        url = f"/training/{traineeship.pk}/extend/"
        form = client.get(url).context["form"]
        data = {**form.initial, "days": "30", "reason": "Catch up."}
        assert client.post(url, data).status_code == 302
        response = client.post(url, data)
        assert response.status_code == 200
        assert "The expected end date has changed meanwhile" in text(response)
        assert Extension.objects.count() == 1
        traineeship.refresh_from_db()
        assert traineeship.expected_end_date == traineeship.start_date + dt.timedelta(days=760)

    def test_recording_leave_twice_records_once(self, world, client_for, traineeship):
        client = client_for(world.office)
        data = {"kind": "sick", "starts_on": "2030-01-01", "ends_on": "2030-01-10"}
        client.post(f"/training/{traineeship.pk}/leave/", data)
        response = client.post(f"/training/{traineeship.pk}/leave/", data)
        assert "This leave overlaps leave already recorded." in text(response)
        assert Leave.objects.count() == 1

    def test_discontinuing_twice_discontinues_once(self, world, client_for, traineeship):
        client = client_for(world.office)
        url = f"/training/{traineeship.pk}/discontinue/"
        client.post(url, {"reason": "Moved abroad."})
        before = snapshot()
        response = client.post(url, {"reason": "Moved abroad."})
        assert "This traineeship has already ended." in text(response)
        assert snapshot() == before


class TestTheCatalogueAndTheRules:
    @pytest.mark.parametrize("value", HOSTILE_TEXT)
    @pytest.mark.parametrize("field", ["title_nl", "title_en", "provider"])
    def test_catalogue_items(self, world, client_for, catalogue, field, value):
        data = {
            "kind": "course",
            "title_nl": "Cursus",
            "title_en": "Course",
            "provider": "UT",
            "ec": "3",
            "format": "online",
        }
        data[field] = value
        before = snapshot()
        response = client_for(world.office).post("/training/catalogue/", data)
        if response.status_code == 302:
            assert CatalogueItem.objects.filter(**{field: value.strip()}).exists()
            assert "<script>alert" not in text(client_for(world.office).get("/training/catalogue/"))
        else:
            assert field in response.context["form"].errors
            assert snapshot() == before

    def test_adding_a_catalogue_item_twice_adds_it_once(self, world, client_for, catalogue):
        data = {
            "kind": "course",
            "title_nl": "Cursus",
            "title_en": "Human factors",
            "provider": "UT",
            "ec": "3",
            "format": "online",
        }
        client = client_for(world.office)
        client.post("/training/catalogue/", data)
        response = client.post("/training/catalogue/", {**data, "title_en": " human FACTORS "})
        assert response.status_code == 200
        assert "title_en" in response.context["form"].errors
        assert CatalogueItem.objects.filter(title_en__iexact="human factors").count() == 1

    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("cohort_year", "1999"),
            ("cohort_year", "2101"),
            ("cohort_year", "abc"),
            ("cohort_year", "99999999999999999999"),
            ("total_ec", "-1"),
            ("total_ec", "0"),
            ("total_ec", "1000"),
            ("course_ec", "-5"),
            ("course_ec", "NaN"),
            ("design_project_ec", "1.25"),
            ("mandatory", "999999"),
            ("mandatory", "abc"),
        ],
    )
    def test_cohort_rules(self, world, client_for, rules, field, value):
        data = {
            "cohort_year": rules.cohort_year + 1,
            "total_ec": "120",
            "design_project_ec": "60",
            "course_ec": "30",
            "clinical_project_ec": "10",
            field: value,
        }
        before = snapshot()
        response = client_for(world.office).post("/training/curricula/new/", data)
        assert response.status_code == 200
        assert field in response.context["form"].errors
        assert snapshot() == before


class TestCreatingATraineeship:
    def _data(self, world, **overrides):
        data = {
            "trainee": world.trainee_a.pk,
            "hospital": world.hospital_a.pk,
            "university": world.university.pk,
            "start_date": "2025-09-01",
            "design_project_title": "ICU alarms",
        }
        data.update(overrides)
        return data

    @pytest.mark.parametrize(
        "field",
        ["trainee", "hospital", "university", "university_supervisor", "hospital_supervisor"],
    )
    @pytest.mark.parametrize("value", [v for v in UNKNOWN_IDS if v])
    def test_unknown_people_and_organisations(self, world, client_for, rules, field, value):
        before = snapshot()
        response = client_for(world.office).post(
            "/training/new/", self._data(world, **{field: value})
        )
        assert response.status_code == 200
        assert field in response.context["form"].errors
        assert snapshot() == before

    def test_a_university_is_no_hospital(self, world, client_for, rules):
        before = snapshot()
        response = client_for(world.office).post(
            "/training/new/",
            self._data(world, hospital=world.university.pk, university=world.hospital_a.pk),
        )
        assert {"hospital", "university"} <= set(response.context["form"].errors)
        assert snapshot() == before

    @pytest.mark.parametrize("value", HOSTILE_TEXT)
    def test_hostile_titles(self, world, client_for, rules, value):
        before = snapshot()
        response = client_for(world.office).post(
            "/training/new/", self._data(world, design_project_title=value)
        )
        if response.status_code == 302:
            traineeship = Traineeship.objects.get()
            assert traineeship.design_project_title == value.strip()
            assert "<script>alert" not in text(client_for(world.office).get(response["Location"]))
        else:
            assert response.status_code == 200
            assert snapshot() == before

    @pytest.mark.parametrize("value", BAD_DATES)
    def test_wrong_start_dates(self, world, client_for, rules, value):
        before = snapshot()
        response = client_for(world.office).post(
            "/training/new/", self._data(world, start_date=value)
        )
        assert "start_date" in response.context["form"].errors
        assert snapshot() == before


class TestTheList:
    @pytest.mark.parametrize(
        "query",
        [
            *(f"?q={v}" for v in ["x" * 10_000, "<script>", "%00", "'; DROP TABLE x; --"]),
            *(f"?hospital={v}" for v in UNKNOWN_IDS),
            *(f"?university={v}" for v in UNKNOWN_IDS),
            "?cohort=abc",
            "?cohort=99999999999999999999",
            "?status=asleep",
            "?page=abc",
            "?page=99999",
            "?page=-1",
        ],
    )
    def test_odd_filters_never_crash(self, world, client_for, traineeship, query):
        response = client_for(world.office).get(f"/training/{query}")
        assert response.status_code == 200


def test_people_other_than_the_trainee_see_no_form_to_record(world, client_for, catalogue):
    traineeship = traineeship_of(world)
    plan = approved_plan(traineeship, catalogue)
    item = plan.items.first()
    assert (
        client_for(world.supervisor_a)
        .post(
            f"/training/{traineeship.pk}/items/{item.pk}/record/",
            {"completed_on": timezone.localdate().isoformat()},
        )
        .status_code
        == 403
    )
    assert not ItemRecord.objects.exists()
