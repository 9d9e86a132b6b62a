"""Feedback pages: a trainee's feedback with responses, the form to give feedback (made for a
phone), and the programme's cadence settings."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from qme.accounts.models import User
from qme.core import kept, ratelimit
from qme.core.errors import ActionRefused
from qme.core.permissions import require, require_visible
from qme.organisations.models import Organisation
from qme.reports import cache as versioned
from qme.training.models import Traineeship

from . import services
from .forms import (
    AnswerForm,
    AssessmentForm,
    FeedbackForm,
    ResponseForm,
    ReviewForm,
    RoundForm,
    SettingsForm,
)
from .models import (
    Answer,
    Assessment,
    Competency,
    Feedback,
    Framework,
    ProgrammeSettings,
    Response,
    Review,
    Round,
)
from .models import Request as FeedbackRequest


def _traineeship(request: HttpRequest, pk: int, *, cadence: bool = True) -> Traineeship:
    """The traineeship the person may see (else 404), with the days since the last feedback of
    each side unless `cadence` is False (a page that does not show them: giving feedback and
    responding, the most frequent actions, which take it from the versioned cache)."""
    traineeships = Traineeship.objects.select_related("trainee", "hospital", "university")
    if cadence:
        traineeship = get_object_or_404(services.with_cadence(traineeships), pk=pk)
    else:
        traineeship = versioned.remember(
            "feedback:traineeship",
            TRAINEESHIP_READS,
            pk,
            lambda: traineeships.filter(pk=pk).first(),
            local=True,
        )
        if traineeship is None:
            raise Http404
    require_visible(request.user, "training.view_traineeship", traineeship)
    return traineeship


#: What `_traineeship` reads: the traineeship, its trainee, hospital and university.
TRAINEESHIP_READS = (Traineeship, User, Organisation)


#: A trainee's feedback (its main part, per person, traineeship and page: `qme.core.kept`).
FEEDBACK_LIST = kept.KeptPage(
    "trainee-feedback",
    (
        Traineeship,
        Feedback,
        Feedback.competencies.through,
        Framework,
        Competency,
        Response,
        ProgrammeSettings,
        Round,
    ),
)

#: A progress review (its main part, per person and review: `qme.core.kept`).
REVIEW = kept.KeptPage(
    "progress-review",
    (
        Traineeship,
        Review,
        Feedback,
        Feedback.competencies.through,
        Framework,
        Competency,
        ProgrammeSettings,
        Round,
        FeedbackRequest,
        Answer,
    ),
)

#: Feedback entries per page of a trainee's feedback, latest first.
FEEDBACK_PER_PAGE = 20


def feedback_link(feedback: Feedback) -> str:
    """The trainee's feedback page that shows this entry, scrolled to it."""
    return (
        reverse("feedback:list", args=[feedback.traineeship_id])
        + f"?feedback={feedback.pk}#feedback-{feedback.pk}"
    )


def _page_holding(traineeship: Traineeship, wanted: str | None) -> int | None:
    """The number of the page that holds the feedback entry `wanted` (its id), if it is one of
    this trainee's: the entries are shown latest first (the model's ordering)."""
    if not wanted or not wanted.isdigit():
        return None
    given_at = traineeship.feedback.filter(pk=int(wanted)).values_list("given_at", flat=True)
    if not given_at:
        return None
    newer = traineeship.feedback.filter(
        Q(given_at__gt=given_at[0]) | Q(given_at=given_at[0], pk__gt=int(wanted))
    ).count()
    return newer // FEEDBACK_PER_PAGE + 1


@login_required
def feedback_list(request: HttpRequest, pk: int) -> HttpResponse:
    """A trainee's feedback, latest first, a page at a time (a trainee collects hundreds of
    entries over two years); `?feedback=<id>` opens the page that holds that entry."""

    def build():
        traineeship = _traineeship(request, pk)
        items = traineeship.feedback.select_related("author").prefetch_related(
            Prefetch("competencies", queryset=Competency.objects.order_by("area", "order")),
            Prefetch("responses", queryset=Response.objects.select_related("author")),
        )
        number = _page_holding(traineeship, wanted) or page_number
        context = {
            "traineeship": traineeship,
            "page": Paginator(items, FEEDBACK_PER_PAGE).get_page(number),
            "cadence": services.cadence_of(traineeship),
            "settings": ProgrammeSettings.current(),
            "can_give": request.user.has_perm("feedback.give", traineeship),
            "can_respond": request.user.has_perm("feedback.respond", traineeship),
            "response_form": ResponseForm(),
            "rounds": traineeship.feedback_rounds.all(),
            "language": get_language(),
        }
        return (
            "feedback/list_main.html",
            context,
            _("Feedback") + ": " + traineeship.trainee.full_name,
        )

    wanted, page_number = request.GET.get("feedback"), request.GET.get("page")
    return kept.respond(request, FEEDBACK_LIST.main(request, (pk, wanted, page_number), build))


@login_required
@require_http_methods(["GET", "POST"])
def give(request: HttpRequest, pk: int) -> HttpResponse:
    traineeship = _traineeship(request, pk, cadence=False)
    require(request.user, "feedback.give", traineeship)
    framework = services.current_framework()
    form = FeedbackForm(
        request.POST or None,
        framework=framework,
        competencies=services.framework_competencies(framework),
    )
    warnings = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.give_feedback(
                actor=request.user,
                traineeship=traineeship,
                competencies=list(data["competencies"]),
                rating=data["rating"],
                went_well=data["went_well"],
                to_improve=data["to_improve"],
                next_step=data["next_step"],
                subject=data["subject"],
                send_anyway=data["send_anyway"],
            )
        except services.VagueFeedback as vague:
            warnings = vague.messages
            form.data = form.data.copy()
            form.data["send_anyway"] = "on"
        except ActionRefused as refusal:
            form.add_error(None, refusal.message)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(
                request,
                _("Thank you. %(name)s can read your feedback now.")
                % {"name": traineeship.trainee.get_short_name()},
            )
            return redirect("feedback:list", pk=pk)
    return render(
        request,
        "feedback/give.html",
        {
            "traineeship": traineeship,
            "form": form,
            "warnings": warnings,
            "language": get_language(),
        },
    )


@login_required
@require_POST
def respond(request: HttpRequest, pk: int, feedback_pk: int) -> HttpResponse:
    traineeship = _traineeship(request, pk, cadence=False)
    feedback = get_object_or_404(Feedback, pk=feedback_pk, traineeship=traineeship)
    form = ResponseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write your response."))
    else:
        try:
            services.respond(actor=request.user, feedback=feedback, body=form.cleaned_data["body"])
        except (ActionRefused, ValidationError) as error:
            messages.error(request, getattr(error, "message", None) or " ".join(error.messages))
        else:
            messages.success(request, _("Your response has been added."))
    return redirect(feedback_link(feedback))


@login_required
@require_http_methods(["GET", "POST"])
def programme_settings(request: HttpRequest) -> HttpResponse:
    require(request.user, "feedback.configure")
    current = ProgrammeSettings.current()
    form = SettingsForm(request.POST or None, instance=ProgrammeSettings.objects.get(pk=current.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_settings(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Your changes have been saved."))
            return redirect("feedback:settings")
    return render(
        request,
        "feedback/settings.html",
        {
            "form": form,
            "framework": services.current_framework(),
            "language": get_language(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def round_create(request: HttpRequest, pk: int) -> HttpResponse:
    traineeship = _traineeship(request, pk)
    require(request.user, "feedback.respond", traineeship)
    framework = services.current_framework()
    form = RoundForm(request.POST or None, framework=framework)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        created = []
        try:
            created.append(
                services.start_round(
                    actor=request.user,
                    traineeship=traineeship,
                    title=data["title"],
                    anonymous=data["anonymous"],
                    competencies=list(data["competencies"]),
                    respondents=data["respondents"],
                    days_valid=data["days_valid"],
                )
            )
        except ActionRefused as refusal:
            form.add_error(None, refusal.message)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("The requests have been sent by e-mail."))
            return redirect("feedback:round", pk=pk, round_pk=created[0].pk)
    return render(request, "feedback/round_form.html", {"traineeship": traineeship, "form": form})


@login_required
def round_detail(request: HttpRequest, pk: int, round_pk: int) -> HttpResponse:
    traineeship = _traineeship(request, pk)
    feedback_round = get_object_or_404(Round, pk=round_pk, traineeship=traineeship)
    return render(
        request,
        "feedback/round.html",
        {
            "traineeship": traineeship,
            "round": feedback_round,
            "results": services.round_results(feedback_round),
            "language": get_language(),
        },
    )


def answer(request: HttpRequest, token: str) -> HttpResponse:
    """The form behind the e-mail link: no account, rate-limited; refuses expired or used links."""
    if not ratelimit.allow(request, "feedback-link", limit=30, per_seconds=60):
        return render(
            request,
            "feedback/link_problem.html",
            {"problem": _("Too many attempts from your address. Wait a minute and try again.")},
            status=429,
        )
    feedback_request = services.request_for_token(token)
    if feedback_request is not None:
        # The person asked reads the form, and why a link no longer works, in their language.
        translation.activate(feedback_request.language)
    problem = services.link_problem(feedback_request)
    if problem:
        status = 410 if feedback_request is not None else 404
        return render(request, "feedback/link_problem.html", {"problem": problem}, status=status)
    feedback_round = feedback_request.round
    form = AnswerForm(
        request.POST or None, competencies=feedback_round.competencies.order_by("area", "order")
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.answer_request(
                request=feedback_request,
                ratings=form.ratings(),
                went_well=form.cleaned_data["went_well"],
                to_improve=form.cleaned_data["to_improve"],
            )
        except ActionRefused as refusal:
            return render(
                request, "feedback/link_problem.html", {"problem": refusal.message}, status=410
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            return render(
                request,
                "feedback/link_problem.html",
                {
                    "problem": _("Thank you! Your feedback has been received."),
                    "thanks": True,
                },
            )
    return render(
        request,
        "feedback/answer.html",
        {
            "form": form,
            "request_": feedback_request,
            "round": feedback_round,
            "trainee": feedback_round.traineeship.trainee,
        },
    )


@login_required
def reviews(request: HttpRequest, pk: int) -> HttpResponse:
    traineeship = _traineeship(request, pk)
    services.schedule_reviews(traineeship)
    return render(
        request,
        "feedback/reviews.html",
        {
            "traineeship": traineeship,
            "reviews": traineeship.reviews.all(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def review_detail(request: HttpRequest, pk: int, review_pk: int) -> HttpResponse:
    if request.method != "POST":

        def build():
            traineeship = _traineeship(request, pk)
            review = get_object_or_404(Review, pk=review_pk, traineeship=traineeship)
            return _review_main(request, traineeship, review, _review_form(review, None))

        return kept.respond(request, REVIEW.main(request, (pk, review_pk), build))
    traineeship = _traineeship(request, pk)
    review = get_object_or_404(Review, pk=review_pk, traineeship=traineeship)
    user = request.user
    record_form = _review_form(review, request.POST)
    action = request.POST.get("action")
    try:
        if action == "self_assessment":
            services.write_self_assessment(
                actor=user, review=review, text=request.POST.get("self_assessment", "")[:10000]
            )
            messages.success(request, _("Your self-assessment has been saved."))
        elif action == "record":
            if not record_form.is_valid():
                raise ValidationError(
                    [
                        f"{record_form.fields[name].label}: {' '.join(errors)}"
                        for name, errors in record_form.errors.items()
                        if name in record_form.fields
                    ]
                )
            data = record_form.cleaned_data
            services.record_review(
                actor=user,
                review=review,
                held_on=data["held_on"],
                outcome=data.get("outcome", ""),
                continue_training={"go": True, "no_go": False}.get(data.get("decision", "")),
                actions=data["actions"],
            )
            messages.success(request, _("The review has been recorded. Everyone signs it now."))
        elif action == "sign":
            services.sign_review(actor=user, review=review)
            messages.success(request, _("You have signed the review."))
        elif action == "confirm":
            services.confirm_go_no_go(actor=user, review=review)
            messages.success(request, _("The decision has been confirmed."))
    except ActionRefused as refusal:
        messages.error(request, refusal.message)
    except ValidationError as error:
        messages.error(request, " ".join(str(m) for m in error.messages))
    else:
        return redirect("feedback:review", pk=pk, review_pk=review_pk)
    # Refused: the page again with what was typed, rendered for this answer only.
    review.refresh_from_db()
    return kept.respond(
        request, kept.render_main(*_review_main(request, traineeship, review, record_form))
    )


def _review_form(review: Review, data) -> ReviewForm:
    return ReviewForm(
        data,
        kind=review.kind,
        initial={
            "held_on": review.held_on or timezone.localdate(),
            "outcome": review.outcome,
            "actions": review.actions,
        },
    )


def _review_main(
    request: HttpRequest, traineeship: Traineeship, review: Review, record_form: ReviewForm
) -> tuple[str, dict, str]:
    user = request.user
    context = {
        "traineeship": traineeship,
        "review": review,
        "prep": services.preparation(review),
        "is_trainee": user.pk == traineeship.trainee_id,
        "is_supervisor": user.pk
        in (
            traineeship.university_supervisor_id,
            traineeship.hospital_supervisor_id,
            traineeship.medical_doctor_id,
        ),
        "can_confirm": user.has_perm("feedback.configure") and review.kind == "go_no_go",
        "record_form": record_form,
        "language": get_language(),
    }
    return "feedback/review_main.html", context, review.get_kind_display()


@login_required
def design_criteria(request: HttpRequest, pk: int) -> HttpResponse:
    """The EngD design criteria, readable by the trainee from the start."""
    traineeship = _traineeship(request, pk)
    rubric = services.current_rubric()
    return render(
        request,
        "feedback/design_criteria.html",
        {
            "traineeship": traineeship,
            "rubric": rubric,
            "criteria": rubric.criteria.all(),
            "scale": services.SCALE,
            "language": get_language(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def assessments(request: HttpRequest, pk: int) -> HttpResponse:
    traineeship = _traineeship(request, pk)
    can_create = request.user.has_perm("feedback.configure")
    form = AssessmentForm(request.POST or None, traineeship=traineeship) if can_create else None
    if request.method == "POST" and form is not None and form.is_valid():
        data = form.cleaned_data
        chosen = [(u, "university") for u in data["university_assessors"]] + [
            (u, "hospital") for u in data["hospital_assessors"]
        ]
        try:
            created = services.create_assessment(
                actor=request.user,
                traineeship=traineeship,
                deliverable=data["deliverable"],
                assessors=chosen,
            )
        except ActionRefused as refusal:
            form.add_error(None, refusal.message)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("The assessors have been told."))
            return redirect("feedback:assessment", pk=pk, assessment_pk=created.pk)
    return render(
        request,
        "feedback/assessments.html",
        {
            "traineeship": traineeship,
            "items": traineeship.assessments.prefetch_related("assessors__user"),
            "form": form,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def assessment_detail(request: HttpRequest, pk: int, assessment_pk: int) -> HttpResponse:
    traineeship = _traineeship(request, pk)
    assessment = get_object_or_404(Assessment, pk=assessment_pk, traineeship=traineeship)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action in ("save", "submit"):
                scores = {}
                for criterion in assessment.rubric.criteria.all():
                    raw = request.POST.get(f"score_{criterion.pk}", "")
                    if raw == "":
                        continue
                    # "0" is the radio button "does not apply"; anything else off the scale
                    # is refused (as 0 would be), never taken as "does not apply".
                    value = (
                        None
                        if raw == "0"
                        else (int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 3 else 0)
                    )
                    scores[criterion.pk] = (
                        value,
                        request.POST.get(f"comment_{criterion.pk}", "")[:5000],
                    )
                services.save_assessment_scores(
                    actor=request.user,
                    assessment=assessment,
                    scores=scores,
                    submit=action == "submit",
                )
                messages.success(
                    request,
                    _("Your assessment has been submitted.")
                    if action == "submit"
                    else _("Your assessment has been saved as a draft."),
                )
            elif action == "agree":
                services.agree_judgement(
                    actor=request.user,
                    assessment=assessment,
                    artefact_grade=int(request.POST.get("artefact_grade") or 0),
                    process_grade=int(request.POST.get("process_grade") or 0),
                    rationale=request.POST.get("rationale", "")[:10000],
                )
                messages.success(request, _("The final judgement has been recorded."))
        except ActionRefused as refusal:
            messages.error(request, refusal.message)
        except (ValidationError, ValueError) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        else:
            return redirect("feedback:assessment", pk=pk, assessment_pk=assessment_pk)
    view = services.assessment_view(assessment, request.user)
    return render(
        request,
        "feedback/assessment.html",
        {
            "traineeship": traineeship,
            "assessment": assessment,
            "view": view,
            "language": get_language(),
            "is_trainee": request.user.pk == traineeship.trainee_id,
        },
    )
