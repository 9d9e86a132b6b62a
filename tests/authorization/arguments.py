"""How to fill in the parameters of every page and API operation, for the person's own object and
for another's. Each entry maps a parameter to a function of (side, person, data).

`BODIES` gives each API write a valid body for the side's object, so that the matrix proves who
may make a real change, not only that an empty body is refused."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from qme.feedback.services import current_framework, request_token
from qme.notifications.models import Notification
from qme.organisations.models import Organisation
from tests.positions.factories import PDF_BYTES

from .objects import Data, Side, content_type_of, token_of

Getter = Callable[[Side, Any, Data], Any]


def attr(path: str) -> Getter:
    """The primary key (or another field) of an object of the side: "request" or "diploma.number"."""
    name, _, field = path.partition(".")
    return lambda side, user, data: getattr(getattr(side, name), field or "pk")


def literal(value: Any) -> Getter:
    return lambda side, user, data: value


def _mine(side: Side, data: Data, user, pick) -> Any:
    """A personal object: the person's own on the own side, someone else's on the other side."""
    owner = user if side is data.own and user is not None else data.other_person
    return pick(owner)


def own_token(side, user, data):
    return _mine(side, data, user, lambda owner: token_of(owner).pk)


def own_notification(side, user, data):
    return _mine(
        side, data, user, lambda owner: Notification.objects.filter(recipient=owner).first().pk
    )


def feedback_token(side, user, data):
    return request_token(side.feedback_request)


def organisation_type(side, user, data):
    return content_type_of(Organisation)


def delivery(side, user, data):
    return data.delivery.pk


#: The parameters of the pages, by URL name.
PAGES: dict[str, dict[str, Getter]] = {
    "api_token_revoke": {"pk": own_token},
    "organisations:detail": {"pk": attr("hospital")},
    "organisations:edit": {"pk": attr("hospital")},
    "organisations:department_create": {"pk": attr("hospital")},
    "organisations:department_edit": {"pk": attr("hospital"), "department_pk": attr("department")},
    "people:detail": {"pk": attr("person")},
    "people:edit": {"pk": attr("person")},
    "people:set_active": {"pk": attr("person")},
    "people:role_assign": {"pk": attr("person")},
    "people:role_end": {"pk": attr("person"), "role_pk": attr("role")},
    "audit:object": {"content_type_id": organisation_type, "object_id": attr("hospital")},
    "audit:person": {"pk": attr("person")},
    "positions:public_detail": {"pk": attr("position")},
    "positions:request_detail": {"pk": attr("request")},
    "positions:request_edit": {"pk": attr("request")},
    "positions:request_submit": {"pk": attr("request")},
    "positions:request_withdraw": {"pk": attr("request")},
    "positions:request_comment": {"pk": attr("request")},
    "positions:comment_resolve": {"pk": attr("request"), "comment_pk": attr("comment")},
    "positions:attachment_upload": {"pk": attr("request")},
    "positions:attachment_download": {"pk": attr("request"), "attachment_pk": attr("attachment")},
    "positions:attachment_delete": {"pk": attr("request"), "attachment_pk": attr("attachment")},
    "positions:request_invite": {"pk": attr("request")},
    "positions:request_approve": {"pk": attr("request")},
    "positions:request_changes": {"pk": attr("request")},
    "positions:request_decline": {"pk": attr("request")},
    "positions:position_detail": {"pk": attr("position")},
    "positions:position_edit": {"pk": attr("position")},
    "positions:position_publish": {"pk": attr("position")},
    "positions:position_close": {"pk": attr("position")},
    "positions:position_extend": {"pk": attr("position")},
    "positions:position_cancel": {"pk": attr("position")},
    "positions:position_reopen": {"pk": attr("position")},
    "selection:apply": {"position_pk": attr("position")},
    "selection:application_detail": {"pk": attr("application")},
    "selection:application_edit": {"pk": attr("application")},
    "selection:application_submit": {"pk": attr("application")},
    "selection:application_withdraw": {"pk": attr("application")},
    "selection:application_consent": {"pk": attr("application")},
    "selection:reasons_ask": {"pk": attr("application")},
    "selection:offer_respond": {"pk": attr("application"), "offer_pk": attr("offer")},
    "selection:document": {"pk": attr("application"), "kind": literal("cv")},
    "selection:document_upload": {"pk": attr("application"), "kind": literal("cv")},
    "selection:procedure": {"pk": attr("position")},
    "selection:committee": {"pk": attr("position")},
    "selection:move": {"pk": attr("position")},
    "selection:results": {"pk": attr("position"), "stage_pk": attr("stage")},
    "selection:decision": {"pk": attr("position")},
    "selection:decision_act": {"pk": attr("position"), "decision_pk": attr("decision")},
    "selection:candidate": {"pk": attr("application")},
    "selection:score": {"pk": attr("application"), "stage_pk": attr("stage")},
    "selection:conflict": {"pk": attr("application")},
    "selection:admit": {"pk": attr("application")},
    "selection:reasons_answer": {"pk": attr("application")},
    "training:detail": {"pk": attr("traineeship")},
    "training:plan": {"pk": attr("traineeship")},
    "training:record_item": {"pk": attr("traineeship"), "item_pk": attr("item")},
    "training:project": {"pk": attr("traineeship")},
    "training:leave": {"pk": attr("traineeship")},
    "training:extend": {"pk": attr("traineeship")},
    "training:discontinue": {"pk": attr("traineeship")},
    "training:record": {"pk": attr("record")},
    "training:record_evidence": {"pk": attr("record")},
    "training:deliverable": {"pk": attr("deliverable")},
    "feedback:list": {"pk": attr("traineeship")},
    "feedback:give": {"pk": attr("traineeship")},
    "feedback:respond": {"pk": attr("traineeship"), "feedback_pk": attr("feedback")},
    "feedback:round_create": {"pk": attr("traineeship")},
    "feedback:round": {"pk": attr("traineeship"), "round_pk": attr("round")},
    "feedback:reviews": {"pk": attr("traineeship")},
    "feedback:review": {"pk": attr("traineeship"), "review_pk": attr("review")},
    "feedback:design_criteria": {"pk": attr("traineeship")},
    "feedback:assessments": {"pk": attr("traineeship")},
    "feedback:assessment": {"pk": attr("traineeship"), "assessment_pk": attr("assessment")},
    "feedback:answer": {"token": feedback_token},
    "graduation:case": {"pk": attr("case")},
    "graduation:propose": {"pk": attr("traineeship")},
    "graduation:requirements": {"pk": attr("traineeship")},
    "graduation:statement": {"pk": attr("traineeship")},
    "graduation:my_diploma": {"number": attr("diploma.number")},
    "graduation:diploma_revoke": {"number": attr("diploma.number")},
    "graduation:diploma_file": {"number": attr("diploma.number"), "kind": literal("diploma")},
    "graduation:public_diploma": {"number": attr("diploma.number")},
    "privacy:export_record": {"pk": attr("traineeship")},
    "privacy:person": {"pk": attr("person")},
    "privacy:person_download": {"pk": attr("person")},
    "reports:report": {"slug": literal("pipeline")},
    "reports:export": {
        "slug": literal("pipeline"),
        "table": literal("pipeline"),
        "fmt": literal("csv"),
    },
    "notifications:open": {"pk": own_notification},
    "notifications:read": {"pk": own_notification},
    "notifications:retry": {"pk": delivery},
}

#: The path parameters of the API operations, by operation id.
API: dict[str, dict[str, Getter]] = {
    "get_person": {"pk": attr("person")},
    "update_person": {"pk": attr("person")},
    "assign_role": {"pk": attr("person")},
    "deactivate_person": {"pk": attr("person")},
    "reactivate_person": {"pk": attr("person")},
    "revoke_token": {"pk": own_token},
    "get_organisation": {"pk": attr("hospital")},
    "update_organisation": {"pk": attr("hospital")},
    "list_departments": {"pk": attr("hospital")},
    "create_department": {"pk": attr("hospital")},
    "update_department": {"pk": attr("hospital"), "department_pk": attr("department")},
    "list_roles_at": {"pk": attr("hospital")},
    "end_role": {"pk": attr("role")},
    "get_request": {"pk": attr("request")},
    "update_request": {"pk": attr("draft_request")},
    "submit_request": {"pk": attr("draft_request")},
    "withdraw_request": {"pk": attr("request")},
    "request_changes": {"pk": attr("request")},
    "approve_request": {"pk": attr("request")},
    "decline_request": {"pk": attr("request")},
    "list_comments": {"pk": attr("request")},
    "add_comment": {"pk": attr("request")},
    "resolve_comment": {"pk": attr("request"), "comment_pk": attr("comment")},
    "get_position": {"pk": attr("position")},
    "update_position": {"pk": attr("position")},
    "publish_position": {"pk": attr("draft_position")},
    "close_position": {"pk": attr("open_position")},
    "extend_deadline": {"pk": attr("open_position")},
    "cancel_position": {"pk": attr("position")},
    "reopen_position": {"pk": attr("position")},
    "start_application": {"pk": attr("position")},
    "get_application": {"pk": attr("application")},
    "update_application": {"pk": attr("draft_application")},
    "upload_document": {"pk": attr("draft_application"), "kind": literal("cv")},
    "submit_application": {"pk": attr("draft_application")},
    "withdraw_application": {"pk": attr("application")},
    "set_consent": {"pk": attr("application")},
    "admit_application": {"pk": attr("application")},
    "answer_offer": {"pk": attr("offer")},
    "list_candidates": {"pk": attr("position")},
    "list_committee": {"pk": attr("position")},
    "add_member": {"pk": attr("position")},
    "remove_member": {"pk": attr("position"), "member_pk": attr("member")},
    "list_stages": {"pk": attr("position")},
    "update_criterion": {"pk": attr("position"), "criterion_pk": attr("criterion")},
    "stage_results": {"pk": attr("position"), "stage_pk": attr("stage")},
    "save_scores": {"pk": attr("scoring_candidate"), "stage_pk": attr("scoring_stage")},
    "declare_conflict": {"pk": attr("application")},
    "move_candidates": {"pk": attr("position")},
    "propose_decision": {"pk": attr("position")},
    "get_decision": {"pk": attr("decision")},
    "approve_decision": {"pk": attr("proposed_decision")},
    "block_decision": {"pk": attr("proposed_decision")},
    "offer_next": {"pk": attr("decision")},
    "get_traineeship": {"pk": attr("traineeship")},
    "get_progress": {"pk": attr("traineeship")},
    "list_plans": {"pk": attr("traineeship")},
    "start_plan": {"pk": attr("traineeship")},
    "add_item": {"pk": attr("live_plan")},
    "change_item": {"pk": attr("live_plan"), "item_pk": attr("live_item")},
    "remove_item": {"pk": attr("live_plan"), "item_pk": attr("live_item")},
    "submit_plan": {"pk": attr("live_plan")},
    "approve_plan": {"pk": attr("plan")},
    "send_back_plan": {"pk": attr("plan")},
    "list_records": {"pk": attr("traineeship")},
    "record_item": {"pk": attr("live_traineeship"), "item_pk": attr("open_item")},
    "sign_off": {"pk": attr("live_record")},
    "send_back": {"pk": attr("live_record")},
    "list_milestones": {"pk": attr("traineeship")},
    "list_feedback": {"pk": attr("traineeship")},
    "give_feedback": {"pk": attr("live_traineeship")},
    "cadence": {"pk": attr("traineeship")},
    "respond": {"pk": attr("feedback")},
    "list_rounds": {"pk": attr("traineeship")},
    "start_round": {"pk": attr("live_traineeship")},
    "list_reviews": {"pk": attr("traineeship")},
    "self_assessment": {"pk": attr("live_traineeship"), "review_pk": attr("live_review")},
    "record_review": {"pk": attr("live_traineeship"), "review_pk": attr("live_review")},
    "sign_review": {"pk": attr("traineeship"), "review_pk": attr("review")},
    "confirm_review": {"pk": attr("traineeship"), "review_pk": attr("review")},
    "list_assessments": {"pk": attr("traineeship")},
    "assessment_scores": {"pk": attr("traineeship"), "assessment_pk": attr("assessment")},
    "save_assessment_scores": {
        "pk": attr("live_traineeship"),
        "assessment_pk": attr("live_assessment"),
    },
    "agree_judgement": {"pk": attr("traineeship"), "assessment_pk": attr("assessment")},
    "requirements": {"pk": attr("traineeship")},
    "propose": {"pk": attr("traineeship")},
    "vote": {"pk": attr("case")},
    "decide": {"pk": attr("case")},
    "diplomas": {"pk": attr("traineeship")},
    "verify_number": {"number": attr("diploma.number")},
    "trainee_record": {"pk": attr("traineeship")},
    "person_data": {"pk": attr("person")},
    "erase": {"pk": attr("person")},
    "get_report": {"slug": literal("pipeline")},
    "get_notification": {"pk": own_notification},
    "read_notification": {"pk": own_notification},
    "retry_delivery": {"pk": delivery},
}


def _in_days(days: int) -> str:
    return (timezone.localdate() + dt.timedelta(days=days)).isoformat()


def _competency_ids(count: int) -> list[int]:
    return list(
        current_framework().competencies.order_by("pk").values_list("pk", flat=True)[:count]
    )


def _rubric_scores(side: Side) -> list[dict[str, Any]]:
    return [
        {"criterion_id": criterion.pk, "value": 4, "comment": "Clear trade-offs, well argued."}
        for criterion in side.live_assessment.rubric.criteria.order_by("pk")
    ]


def _stage_scores(side: Side) -> list[dict[str, Any]]:
    return [
        {"criterion_id": criterion.pk, "value": 4, "justification": "Shown in the thesis."}
        for criterion in side.scoring_stage.criteria.order_by("pk")
    ]


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, "application/pdf")


Body = Callable[[Side, Any, Data], dict[str, Any]]

#: A valid body for every API write that takes one, by operation id: real values for the side's
#: object. A body with a file is sent as multipart form data, the others as JSON.
BODIES: dict[str, Body] = {
    # people, roles and tokens
    "create_person": lambda side, user, data: {
        "email": "nina.nieuw@example.org",
        "full_name": "Nina Nieuw",
        "language": "en",
    },
    "update_person": lambda side, user, data: {"phone": "+31 6 5555 0101"},
    "assign_role": lambda side, user, data: {
        "organisation_id": side.hospital.pk,
        "kind": "hospital_supervisor",
        "starts_on": _in_days(0),
    },
    "deactivate_person": lambda side, user, data: {"reason": "Left the hospital in June."},
    "reactivate_person": lambda side, user, data: {"reason": "Back from a sabbatical."},
    "create_token": lambda side, user, data: {"name": "Reporting script"},
    "end_role": lambda side, user, data: {"reason": "Moved to another hospital."},
    # organisations
    "create_organisation": lambda side, user, data: {
        "kind": "hospital",
        "name": "Isala Zwolle",
        "short_name": "Isala",
        "city": "Zwolle",
        "region": "OV",
    },
    "update_organisation": lambda side, user, data: {"city": "Deventer"},
    "create_department": lambda side, user, data: {"name": "Cardiology"},
    "update_department": lambda side, user, data: {"name": "Radiology and Nuclear Medicine"},
    # position requests and positions
    "create_request": lambda side, user, data: {
        "hospital_id": side.hospital.pk,
        "title": "Smarter infusion pump alarms",
        "clinical_problem": "Nurses silence alarms that are rarely relevant.",
    },
    "update_request": lambda side, user, data: {"title": "Fewer false alarms on the ICU"},
    "withdraw_request": lambda side, user, data: {"reason": "The budget was moved to 2027."},
    "request_changes": lambda side, user, data: {"reason": "Name the daily supervisor."},
    "approve_request": lambda side, user, data: {
        "university_id": data.world.university.pk,
        "university_supervisor_id": data.world.university_supervisor.pk,
        "reason": "A clear clinical problem with committed supervision.",
    },
    "decline_request": lambda side, user, data: {"reason": "No hospital supervisor available."},
    "add_comment": lambda side, user, data: {
        "body": "The ward manager supervises day to day.",
        "reply_to": side.comment.pk,
    },
    "update_position": lambda side, user, data: {"contact_name": "Petra Programme"},
    "close_position": lambda side, user, data: {"reason": "Enough candidates applied."},
    "extend_deadline": lambda side, user, data: {
        "reason": "Too few candidates so far.",
        "deadline": (side.open_position.application_deadline + dt.timedelta(days=14)).isoformat(),
    },
    "cancel_position": lambda side, user, data: {"reason": "The hospital withdrew its funding."},
    "reopen_position": lambda side, user, data: {
        "reason": "The chosen candidate declined.",
        "deadline": _in_days(30),
    },
    # selection
    "update_application": lambda side, user, data: {"phone": "+31 6 4444 0202", "city": "Ede"},
    "upload_document": lambda side, user, data: {"file": _pdf("cv.pdf")},
    "withdraw_application": lambda side, user, data: {"reason": "I took another job."},
    "set_consent": lambda side, user, data: {"keep_for_a_year": True},
    "admit_application": lambda side, user, data: {"reason": "The certificate arrived late."},
    "answer_offer": lambda side, user, data: {"accept": True},
    "add_member": lambda side, user, data: {"user_id": side.coordinator.pk, "side": "hospital"},
    "update_criterion": lambda side, user, data: {"weight": 2},
    "save_scores": lambda side, user, data: {"scores": _stage_scores(side), "submit": False},
    "declare_conflict": lambda side, user, data: {"reason": "She was my student last year."},
    "move_candidates": lambda side, user, data: {
        "action": "reject",
        "application_ids": [side.procedure.candidates[-1].pk],
        "reason": "Less design experience than the others.",
    },
    "propose_decision": lambda side, user, data: {
        "candidate_id": side.procedure.candidates[0].pk,
        "reserve_ids": [a.pk for a in side.procedure.candidates[1:]],
        "rationale": "Strongest design ability and clinical affinity.",
        "offer_deadline": _in_days(14),
    },
    "block_decision": lambda side, user, data: {"reason": "The interview notes are missing."},
    # training
    "add_item": lambda side, user, data: {
        "kind": "course",
        "title": "Human factors in medical devices",
        "ec": 2,
        "planned_start": _in_days(30),
        "planned_end": _in_days(60),
    },
    "change_item": lambda side, user, data: {"title": "Human factors, advanced"},
    "submit_plan": lambda side, user, data: {"note": "The course moved to the spring."},
    "send_back_plan": lambda side, user, data: {"reason": "Add the design project milestones."},
    "record_item": lambda side, user, data: {
        "completed_on": _in_days(0),
        "grade": "pass",
        "note": "Certificate in the portfolio.",
    },
    "send_back": lambda side, user, data: {"reason": "Attach the certificate."},
    # feedback, reviews and assessments
    "give_feedback": lambda side, user, data: {
        "competency_ids": _competency_ids(1),
        "rating": 4,
        "went_well": "You explained the alarm trade-offs to the nurses with the March data.",
        "to_improve": "Send the agenda a day before the ward meeting.",
        "next_step": "Lead the next validation session yourself.",
        "send_anyway": True,
    },
    "respond": lambda side, user, data: {"body": "Thanks, I will send the agenda earlier."},
    "start_round": lambda side, user, data: {
        "title": "Ward colleagues, spring",
        "anonymous": False,
        "competency_ids": _competency_ids(2),
        "respondents": [
            {"name": "Wim Ward", "email": "wim@ward.example.org", "role": "nurse"},
        ],
        "days_valid": 21,
    },
    "self_assessment": lambda side, user, data: {"text": "I learnt to plan the validation."},
    "record_review": lambda side, user, data: {
        "held_on": _in_days(0),
        "outcome": "satisfactory",
        "actions": "Plan the second validation round.",
    },
    "save_assessment_scores": lambda side, user, data: {
        "scores": _rubric_scores(side),
        "submit": False,
    },
    "agree_judgement": lambda side, user, data: {
        "artefact_grade": 4,
        "process_grade": 4,
        "rationale": "A sound design, validated with the ward.",
    },
    # graduation
    "vote": lambda side, user, data: {"vote": "grant", "reason": ""},
    "verify_credential": lambda side, user, data: side.diploma.credential,
    # privacy and notifications
    "erase": lambda side, user, data: {
        "reason": "The person asked to be forgotten.",
        "confirmation": side.person.email,
    },
    "set_email_choice": lambda side, user, data: {"email": "digest"},
}

#: API writes that take a body but are sent an empty one ("{}"), and why.
WITHOUT_BODY: dict[str, str] = {}
