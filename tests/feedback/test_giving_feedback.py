"""Supervisors and the doctor of a traineeship give feedback tagged with one to three competencies
of the current framework; vague feedback warns first; the trainee sees it at once, is e-mailed
by the worker's job within a minute, and can respond, which e-mails the author."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from qme.audit.models import AuditEvent
from qme.core.errors import ActionRefused
from qme.feedback import services
from qme.feedback.models import Competency, Feedback, Framework, Response, Side
from qme.training.models import TraineeshipStatus
from tests.helpers import page_text

from .helpers import SPECIFIC, VAGUE, competencies, form_data, give, snapshot


def test_it_provides_a_default_framework_in_two_areas_once(db):
    framework = services.current_framework()
    assert framework.version == 1
    assert services.current_framework() == framework
    assert Framework.objects.count() == 1
    areas = set(framework.competencies.values_list("area", flat=True))
    assert areas == {"content", "professional"}
    assert framework.competencies.count() == 10
    design = framework.competencies.get(name_en="Design")
    assert design.name_nl == "Ontwerpen"
    assert set(design.anchors_en) == {"1", "2", "3", "4", "5"}


@pytest.mark.parametrize(
    ("persona", "side"),
    [
        ("university_supervisor", Side.UNIVERSITY),
        ("supervisor_a", Side.HOSPITAL),
        ("doctor_a", Side.HOSPITAL),
    ],
)
def test_it_lets_each_supervisor_and_the_doctor_give_feedback_from_their_side(
    world, traineeship, client_for, emails, persona, side
):
    author = getattr(world, persona)
    chosen = competencies(3)
    with emails() as sent:
        response = client_for(author).post(
            f"/feedback/{traineeship.pk}/give/", form_data(chosen, rating="5")
        )
    assert response.status_code == 302
    assert response.url == f"/feedback/{traineeship.pk}/"
    feedback = Feedback.objects.get()
    assert feedback.author == author
    assert feedback.side == side
    assert feedback.rating == 5
    assert set(feedback.competencies.all()) == set(chosen)
    assert feedback.went_well == SPECIFIC["went_well"]
    assert feedback.subject == "ICU alarm filter"
    assert AuditEvent.objects.filter(action="feedback.given").count() == 1
    # The trainee is told by the worker's job (within a minute), with a link to read it.
    assert sent == []
    with emails() as sent:
        services.send_feedback_notices()
    assert [m.to for m in sent] == [[world.trainee_a.email]]
    assert author.full_name in sent[0].subject
    assert f"/feedback/{traineeship.pk}/" in sent[0].body


def test_it_shows_the_feedback_to_the_trainee_at_once_with_a_way_to_respond(
    world, traineeship, client_for
):
    feedback = give(world.supervisor_a, traineeship)
    response = client_for(world.trainee_a).get(f"/feedback/{traineeship.pk}/")
    assert response.status_code == 200
    text = page_text(response)
    assert "Sara Supervisor" in text
    assert "explained the alarm filter clearly" in text
    assert f'action="/feedback/{traineeship.pk}/{feedback.pk}/respond/"' in text
    assert response.context["can_respond"] is True
    assert response.context["can_give"] is False
    # ... and on their home page.
    home = client_for(world.trainee_a).get("/")
    assert (
        f"/feedback/{traineeship.pk}/?feedback={feedback.pk}#feedback-{feedback.pk}"
        in page_text(home)
    )


def test_it_lets_the_trainee_respond_and_tells_the_author(world, traineeship, own_client, emails):
    feedback = give(world.university_supervisor, traineeship)
    with emails() as sent:
        response = own_client(world.trainee_a).post(
            f"/feedback/{traineeship.pk}/{feedback.pk}/respond/",
            {"body": "Thanks — I will bring the ward 4 numbers."},
        )
    assert response.status_code == 302
    assert (
        response.url == f"/feedback/{traineeship.pk}/?feedback={feedback.pk}#feedback-{feedback.pk}"
    )
    answer = Response.objects.get()
    assert answer.author == world.trainee_a
    assert answer.feedback == feedback
    assert [m.to for m in sent] == [[world.university_supervisor.email]]
    assert "Tim Trainee" in sent[0].subject
    # The author reads the response under their feedback.
    page = own_client(world.university_supervisor).get(f"/feedback/{traineeship.pk}/")
    assert "I will bring the ward 4 numbers." in page_text(page)


@pytest.mark.parametrize("persona", ["supervisor_a", "university_supervisor", "office"])
def test_it_lets_only_the_trainee_respond(world, traineeship, own_client, persona):
    feedback = give(world.doctor_a, traineeship)
    before = snapshot()
    response = own_client(getattr(world, persona)).post(
        f"/feedback/{traineeship.pk}/{feedback.pk}/respond/", {"body": "Me too."}
    )
    assert response.status_code == 403
    assert snapshot() == before
    with pytest.raises(PermissionDenied):
        services.respond(actor=getattr(world, persona), feedback=feedback, body="Me too.")


def test_it_warns_about_vague_feedback_and_saves_it_only_when_sent_anyway(
    world, traineeship, client_for, emails
):
    client = client_for(world.supervisor_a)
    before = snapshot()
    with emails() as sent:
        response = client.post(f"/feedback/{traineeship.pk}/give/", form_data(**VAGUE))
    assert response.status_code == 200
    warnings = response.context["warnings"]
    assert len(warnings) == 4  # three fields too short, and no example
    assert any("example" in w for w in warnings)
    text = page_text(response)
    assert "Could this be more specific?" in text
    assert "Send it as it is" in text
    assert 'name="send_anyway" value="on"' in text  # the second press sends it
    assert snapshot() == before
    assert sent == []

    # Pressing again sends it as it is.
    with emails() as sent:
        response = client.post(
            f"/feedback/{traineeship.pk}/give/", form_data(send_anyway="on", **VAGUE)
        )
        services.send_feedback_notices()
    assert response.status_code == 302
    assert Feedback.objects.get().went_well == "Good job."
    assert len(sent) == 1


def test_it_saves_improved_feedback_without_a_warning(world, traineeship, client_for):
    client = client_for(world.doctor_a)
    response = client.post(f"/feedback/{traineeship.pk}/give/", form_data(**VAGUE))
    assert response.status_code == 200
    response = client.post(f"/feedback/{traineeship.pk}/give/", form_data())
    assert response.status_code == 302
    assert Feedback.objects.get().to_improve == SPECIFIC["to_improve"]


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        (SPECIFIC, []),
        ({**SPECIFIC, "next_step": "Bring numbers."}, ["very short"]),
        (
            {
                "went_well": "You explained the alarm filter clearly to all of the nurses.",
                "to_improve": "Prepare the numbers that show how well the filter really works.",
                "next_step": "Bring the validation numbers to the next meeting with Dirk.",
            },
            ["example"],
        ),
        (
            {
                "went_well": "Je legde het alarmfilter tijdens de overdracht helder uit aan de verpleging.",
                "to_improve": "Toen de arts naar fout-negatieven vroeg, had je geen cijfers bij de hand.",
                "next_step": "Neem de validatiecijfers van afdeling 4 mee naar het volgende overleg.",
            },
            [],
        ),
    ],
)
def test_it_judges_vagueness_by_length_and_example(texts, expected):
    with translation.override("en"):
        warnings = services.vagueness(texts["went_well"], texts["to_improve"], texts["next_step"])
    assert len(warnings) == len(expected)
    for warning, word in zip(warnings, expected, strict=True):
        assert word in warning


def test_it_refuses_vague_feedback_in_the_service_unless_sent_anyway(world, traineeship):
    with pytest.raises(services.VagueFeedback):
        give(world.supervisor_a, traineeship, **VAGUE)
    assert not Feedback.objects.exists()
    give(world.supervisor_a, traineeship, send_anyway=True, **VAGUE)
    assert Feedback.objects.count() == 1


@pytest.mark.parametrize("count", [0, 4])
def test_it_takes_one_to_three_competencies(world, traineeship, client_for, framework, count):
    chosen = list(framework.competencies.all()[:count])
    before = snapshot()
    response = client_for(world.supervisor_a).post(
        f"/feedback/{traineeship.pk}/give/",
        {**form_data(), "competencies": [c.pk for c in chosen]},
    )
    assert response.status_code == 200
    assert "competencies" in response.context["form"].errors
    assert snapshot() == before
    with pytest.raises(ValidationError) as refused:
        give(world.supervisor_a, traineeship, competencies=chosen)
    assert "competencies" in refused.value.message_dict


def test_it_takes_only_competencies_of_the_current_framework(
    world, traineeship, client_for, framework
):
    old = list(framework.competencies.all()[:2])
    framework.is_current = False
    framework.save()
    newer = Framework.objects.create(version=2, is_current=True)
    Competency.objects.create(
        framework=newer, area="content", order=1, name_en="Safety", name_nl="Veiligheid"
    )
    assert services.current_framework() == newer
    before = snapshot()
    response = client_for(world.supervisor_a).post(
        f"/feedback/{traineeship.pk}/give/", form_data(old)
    )
    assert response.status_code == 200
    assert "competencies" in response.context["form"].errors
    assert snapshot() == before
    with pytest.raises(ValidationError) as refused:
        give(world.supervisor_a, traineeship, competencies=old)
    assert "competencies" in refused.value.message_dict
    # The form offers the current framework's competencies only.
    form = client_for(world.supervisor_a).get(f"/feedback/{traineeship.pk}/give/").context["form"]
    assert list(form.fields["competencies"].queryset) == list(newer.competencies.all())


@pytest.mark.parametrize("rating", ["0", "6", "-1", "3.5", "abc", ""])
def test_it_takes_a_rating_from_one_to_five(world, traineeship, client_for, rating):
    before = snapshot()
    response = client_for(world.supervisor_a).post(
        f"/feedback/{traineeship.pk}/give/", form_data(rating=rating)
    )
    assert response.status_code == 200
    assert "rating" in response.context["form"].errors
    assert snapshot() == before


@pytest.mark.parametrize("rating", [0, 6])
def test_it_refuses_a_rating_out_of_range_in_the_service(world, traineeship, rating):
    with pytest.raises(ValidationError) as refused:
        give(world.supervisor_a, traineeship, rating=rating)
    assert "rating" in refused.value.message_dict
    assert not Feedback.objects.exists()


@pytest.mark.parametrize("rating", ["1", "5"])
def test_it_accepts_the_ends_of_the_scale(world, traineeship, client_for, rating):
    response = client_for(world.supervisor_a).post(
        f"/feedback/{traineeship.pk}/give/", form_data(rating=rating)
    )
    assert response.status_code == 302
    assert Feedback.objects.get().rating == int(rating)


@pytest.mark.parametrize("status", [TraineeshipStatus.DISCONTINUED, TraineeshipStatus.COMPLETED])
def test_it_refuses_feedback_on_an_ended_traineeship(world, traineeship, client_for, status):
    traineeship.status = status
    traineeship.save()
    before = snapshot()
    response = client_for(world.supervisor_a).post(f"/feedback/{traineeship.pk}/give/", form_data())
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert snapshot() == before
    with pytest.raises(ActionRefused):
        give(world.supervisor_a, traineeship)


def test_it_offers_the_give_form_with_the_framework_and_the_scale(
    world, traineeship, client_for, framework
):
    response = client_for(world.supervisor_a).get(f"/feedback/{traineeship.pk}/give/")
    assert response.status_code == 200
    text = page_text(response)
    assert "Medical-engineering knowledge" in text
    assert "Reflection" in text
    assert 'name="rating"' in text
    assert response.context["warnings"] == []
