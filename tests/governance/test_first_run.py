"""A newcomer's first run (issue 15, item 4): the first admin from the command line, the steps on their home
page, and the demo's guide on the sign-in page."""

from __future__ import annotations

import re

from governance.extensions import db
from governance.models import Person, person_by_email
from tests import factories


def test_the_first_admin_is_made_from_the_command_line_and_chooses_a_password(app, client, session):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["admin", "create", "first@coop.example", "--name", "Fran First"])
    assert result.exit_code == 0, result.output
    assert "first@coop.example is an instance admin." in result.output
    link = re.search(r"http\S+/reset-password/\S+", result.output).group(0)
    person = person_by_email("first@coop.example")
    assert person.is_superuser and person.password_hash is None
    # The printed link sets the password, once; then they sign in.
    path = link.split("localhost", 1)[1]
    response = client.post(path, data={"password": "a new admin password", "confirm": "a new admin password"})
    assert response.status_code == 302, response.text[:300]
    assert client.post(path, data={"password": "another password!!", "confirm": "another password!!"}).status_code != 302
    factories.sign_in(client, db.session.get(Person, person.id), "a new admin password")


def test_admin_create_raises_an_existing_account_and_refuses_a_bad_email(app, session):
    someone = factories.person(email="already@coop.example")
    session.commit()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["admin", "create", "Already@Coop.example"])
    assert result.exit_code == 0 and "reset-password" not in result.output  # they have a password already
    assert db.session.get(Person, someone.id).is_superuser
    result = runner.invoke(args=["admin", "create", "not-an-email"])
    assert result.exit_code == 2 and "That is not an email address." in result.output
    result = runner.invoke(args=["admin", "create", "zone@coop.example", "--time-zone", "Mars/Olympus"])
    assert result.exit_code == 2 and "Unknown time zone" in result.output
    assert person_by_email("zone@coop.example") is None


def test_a_new_instances_admin_is_walked_to_a_network_a_coop_and_an_invitation(client, session):
    admin = factories.person(email="root@coop.example", superuser=True)
    session.commit()
    factories.sign_in(client, admin)

    page = client.get("/").text
    assert "Set up Roundtable" in page
    assert 'href="/networks/new"' in page
    assert "Add its first co-op" in page and "(after the step before)" in page  # it waits for the first

    response = client.post("/networks/new", data={"name": "Tech Co-ops North", "description": ""})
    assert response.status_code == 302
    page = client.get("/").text
    assert page.count('class="badge">Done') == 1
    assert 'href="/networks/tech-co-ops-north/coops/new"' in page

    response = client.post(
        "/networks/tech-co-ops-north/coops/new",
        data={"name": "Fjord Code", "country": "NO", "city": "Bergen", "time_zone": "Europe/Oslo",
              "worker_members": "6", "website": ""},
    )
    assert response.status_code == 302, response.text[:400]
    page = client.get("/").text
    assert page.count('class="badge">Done') == 2 and 'href="/coops/fjord-code"' in page

    response = client.post("/coops/fjord-code/invite", data={"email": "delegate@fjord.example", "role": "delegate"})
    assert response.status_code in (200, 302)
    assert "Set up Roundtable" not in client.get("/").text  # every step done: the steps go


def test_people_who_cannot_create_networks_see_no_setup_steps(client, session):
    person = factories.person()
    session.commit()
    factories.sign_in(client, person)
    assert "Set up Roundtable" not in client.get("/").text


def test_the_sign_in_page_says_which_demo_account_shows_which_role_only_with_demo_data(client, session):
    assert "Trying the demo?" not in client.get("/sign-in").text
    factories.person(email="admin@roundtable.example", superuser=True)
    session.commit()
    page = client.get("/sign-in").text
    assert "Trying the demo?" in page and "roundtable-demo" in page
    assert "steward@roundtable.example" in page and 'href="/verify"' in page
