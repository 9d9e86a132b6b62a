"""How to fill in the parameters of every page and API operation, for the person's own object and
for another's. Each entry maps a parameter to a function of (side, person, data)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from qme.feedback.services import request_token
from qme.notifications.models import Notification
from qme.organisations.models import Organisation

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
    "update_request": {"pk": attr("request")},
    "submit_request": {"pk": attr("request")},
    "withdraw_request": {"pk": attr("request")},
    "request_changes": {"pk": attr("request")},
    "approve_request": {"pk": attr("request")},
    "decline_request": {"pk": attr("request")},
    "list_comments": {"pk": attr("request")},
    "add_comment": {"pk": attr("request")},
    "resolve_comment": {"pk": attr("request"), "comment_pk": attr("comment")},
    "get_position": {"pk": attr("position")},
    "update_position": {"pk": attr("position")},
    "publish_position": {"pk": attr("position")},
    "close_position": {"pk": attr("position")},
    "extend_deadline": {"pk": attr("position")},
    "cancel_position": {"pk": attr("position")},
    "reopen_position": {"pk": attr("position")},
    "start_application": {"pk": attr("position")},
    "get_application": {"pk": attr("application")},
    "update_application": {"pk": attr("application")},
    "upload_document": {"pk": attr("application"), "kind": literal("cv")},
    "submit_application": {"pk": attr("application")},
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
    "save_scores": {"pk": attr("application"), "stage_pk": attr("stage")},
    "declare_conflict": {"pk": attr("application")},
    "move_candidates": {"pk": attr("position")},
    "propose_decision": {"pk": attr("position")},
    "get_decision": {"pk": attr("decision")},
    "approve_decision": {"pk": attr("decision")},
    "block_decision": {"pk": attr("decision")},
    "offer_next": {"pk": attr("decision")},
    "get_traineeship": {"pk": attr("traineeship")},
    "get_progress": {"pk": attr("traineeship")},
    "list_plans": {"pk": attr("traineeship")},
    "start_plan": {"pk": attr("traineeship")},
    "add_item": {"pk": attr("plan")},
    "change_item": {"pk": attr("plan"), "item_pk": attr("item")},
    "remove_item": {"pk": attr("plan"), "item_pk": attr("item")},
    "submit_plan": {"pk": attr("plan")},
    "approve_plan": {"pk": attr("plan")},
    "send_back_plan": {"pk": attr("plan")},
    "list_records": {"pk": attr("traineeship")},
    "record_item": {"pk": attr("traineeship"), "item_pk": attr("item")},
    "sign_off": {"pk": attr("record")},
    "send_back": {"pk": attr("record")},
    "list_milestones": {"pk": attr("traineeship")},
    "list_feedback": {"pk": attr("traineeship")},
    "give_feedback": {"pk": attr("traineeship")},
    "cadence": {"pk": attr("traineeship")},
    "respond": {"pk": attr("feedback")},
    "list_rounds": {"pk": attr("traineeship")},
    "start_round": {"pk": attr("traineeship")},
    "list_reviews": {"pk": attr("traineeship")},
    "self_assessment": {"pk": attr("traineeship"), "review_pk": attr("review")},
    "record_review": {"pk": attr("traineeship"), "review_pk": attr("review")},
    "sign_review": {"pk": attr("traineeship"), "review_pk": attr("review")},
    "confirm_review": {"pk": attr("traineeship"), "review_pk": attr("review")},
    "list_assessments": {"pk": attr("traineeship")},
    "assessment_scores": {"pk": attr("traineeship"), "assessment_pk": attr("assessment")},
    "save_assessment_scores": {"pk": attr("traineeship"), "assessment_pk": attr("assessment")},
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
