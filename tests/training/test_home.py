"""The home page tells a supervisor what waits for them (items to sign off, plans to approve) and
who their trainees are, and a trainee where they stand."""

from __future__ import annotations

from qme.training import services

from .factories import approved_plan, complete_plan, item_titled, recorded, signed_off
from .helpers import text


def test_a_supervisor_sees_what_waits_for_them(world, client_for, catalogue, traineeship):
    plan = approved_plan(traineeship, catalogue)
    record = recorded(traineeship, item_titled(plan, "Medical device regulation"))
    draft = services.start_plan_version(actor=world.trainee_a, traineeship=traineeship)
    services.submit_plan(actor=world.trainee_a, plan=draft)
    page = text(client_for(world.university_supervisor).get("/"))
    assert "Sign off “Medical device regulation” for Tim Trainee" in page
    assert f"/training/records/{record.pk}/" in page
    assert "Approve the training plan of Tim Trainee (version 2)" in page
    assert f"/training/{traineeship.pk}/" in page


def test_a_supervisor_without_trainees_sees_no_section(world, client_for, traineeship):
    page = text(client_for(world.coordinator_b).get("/"))
    assert "Your trainees" not in page


def test_a_trainee_sees_where_they_stand(world, client_for, catalogue, traineeship):
    page = text(client_for(world.trainee_a).get("/"))
    assert "Draft your individual training plan" in page
    complete_plan(traineeship, catalogue)
    page = text(client_for(world.trainee_a).get("/"))
    assert "Finish your plan and send it for approval" in page
    plan = traineeship.plans.get()
    services.submit_plan(actor=world.trainee_a, plan=plan)
    services.approve_plan(actor=world.university_supervisor, plan=plan)
    services.approve_plan(actor=world.supervisor_a, plan=plan)
    signed_off(traineeship, item_titled(plan, "Clinical epidemiology"))
    page = text(client_for(world.trainee_a).get("/"))
    assert "5 / 120" in page
    assert "EC earned toward your diploma" in page
    assert (
        f"/training/{traineeship.pk}/items/{item_titled(plan, 'Communicating with clinicians').pk}/record/"
        in page
    )
