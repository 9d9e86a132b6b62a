def test_it_shows_each_persona_their_home_page(world, client_for):
    for user in [
        world.office,
        world.coordinator_a,
        world.doctor_a,
        world.trainee_a,
        world.applicant,
    ]:
        response = client_for(user).get("/")
        assert response.status_code == 200, user
