"""The foundation's pages and who may use them."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from governance.errors import NotAllowed
from governance.extensions import db
from governance.models import Coop, CoopRole, Network, NetworkRoleKind
from tests.factories import sign_in


def _who(world, name):
    return {
        "admin": world.admin,
        "steward": world.steward,
        "delegate": world.delegates[0],
        "member": world.members[0],
        "outsider": world.outsider,
    }[name]


def test_pages_need_signing_in(client, world):
    for path in ["/", "/networks", "/networks/testnet", f"/coops/{world.coops[0].slug}", "/settings"]:
        response = client.get(path)
        assert response.status_code == 302
        assert "/sign-in" in response.headers["Location"]


def test_home_lists_my_coops_networks_and_what_waits(client, world):
    sign_in(client, world.delegates[1])
    page = client.get("/").get_data(as_text=True)
    assert "Hudson Tech" in page and "delegate" in page
    assert "Testnet" in page and "Othernet" not in page
    assert "Waiting for you" in page


def test_network_page_shows_each_coop_with_zone_local_time_members_and_delegates(client, world):
    sign_in(client, world.members[0])
    page = client.get("/networks/testnet").get_data(as_text=True)
    assert "America/Argentina/Buenos_Aires" in page
    assert "-03" in page or "ART" in page  # the co-op's own clock names its zone
    assert "Río Software Delegate" in page
    assert "<td>20</td>" in page


def test_network_page_pages_its_coops_by_name_and_counts_them_all(client, world, monkeypatch):
    from governance import views

    monkeypatch.setattr(views, "NETWORK_COOPS_PER_PAGE", 2)
    sign_in(client, world.members[0])
    first = client.get("/networks/testnet").get_data(as_text=True)
    second = client.get("/networks/testnet?coops=2").get_data(as_text=True)
    names = sorted((c.name for c in world.coops), key=str.casefold)
    listed = lambda page: [n for n in names if f">{n}</a>" in page]  # noqa: E731
    assert listed(first) == names[:2] and listed(second) == names[2:]
    assert "Co-ops (3)" in first and "Co-ops (3)" in second
    assert (
        'href="/networks/testnet?coops=2#coops-h"' in first and 'href="/networks/testnet#coops-h"' in second
    )
    assert "No co-ops on this page." in client.get("/networks/testnet?coops=5").get_data(as_text=True)


def test_coop_page_shows_people_and_hides_emails_from_non_admins(client, world):
    sign_in(client, world.members[0])
    page = client.get(f"/coops/{world.coops[0].slug}").get_data(as_text=True)
    assert "Thames Code Delegate" in page
    assert world.delegates[0].email not in page
    assert "Invite a person" not in page


def test_unknown_network_is_404(client, world):
    sign_in(client, world.members[0])
    assert client.get("/networks/nowhere").status_code == 404


@pytest.mark.parametrize(
    ("who", "allowed"),
    [("admin", True), ("steward", False), ("delegate", False), ("member", False), ("outsider", False)],
)
def test_only_instance_admins_create_networks(client, world, who, allowed):
    sign_in(client, _who(world, who))
    before = db.session.scalar(select(func.count(Network.id)))
    response = client.post("/networks/new", data={"name": "Brand New Net"})
    assert response.status_code == (302 if allowed else 403)
    assert db.session.scalar(select(func.count(Network.id))) == before + (1 if allowed else 0)


def test_duplicate_network_name_is_a_form_error(client, world):
    sign_in(client, world.admin)
    response = client.post("/networks/new", data={"name": "testnet"})
    assert response.status_code == 400
    assert "exists already" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("who", "allowed"),
    [("admin", True), ("steward", False), ("delegate", False), ("outsider", False)],
)
def test_only_network_admins_admit_coops(client, world, who, allowed):
    sign_in(client, _who(world, who))
    data = {"name": "Lakeshore", "country": "CA", "time_zone": "America/Toronto", "worker_members": "10"}
    response = client.post("/networks/testnet/coops/new", data=data)
    assert response.status_code == (302 if allowed else 403)
    assert (db.session.scalar(select(Coop).where(Coop.name == "Lakeshore")) is not None) == allowed


def test_coop_with_unknown_time_zone_is_refused_keeping_the_form(client, world):
    sign_in(client, world.admin)
    data = {"name": "Lakeshore", "country": "CA", "time_zone": "Canada/Nowhere", "worker_members": "10"}
    response = client.post("/networks/testnet/coops/new", data=data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Unknown time zone" in page and 'value="Lakeshore"' in page
    assert db.session.scalar(select(Coop).where(Coop.name == "Lakeshore")) is None


def test_admin_of_one_network_cannot_pull_in_another_networks_coop(client, world):
    from governance import service

    service.grant_network_role(
        actor=world.admin, network=world.other_network, person=world.outsider, role=NetworkRoleKind.ADMIN
    )
    db.session.commit()
    sign_in(client, world.outsider)
    coop = world.coops[0]
    assert (
        str(coop.id) not in client.get("/networks/othernet").get_data(as_text=True).split("Admit a co-op")[-1]
    )
    response = client.post("/networks/othernet/admit", data={"coop": str(coop.id)}, follow_redirects=True)
    assert "Choose a co-op" in response.get_data(as_text=True)
    assert [n.name for n in coop.networks] == ["Testnet"]
    with pytest.raises(NotAllowed, match="Only an admin of a network Thames Code is in"):
        service.admit_coop(actor=world.outsider, network=world.other_network, coop=coop)


def test_a_coop_may_have_no_worker_members_yet(client, world):
    sign_in(client, world.admin)
    data = {"name": "Seedling", "country": "GB", "time_zone": "Europe/London", "worker_members": "0"}
    assert client.post("/networks/testnet/coops/new", data=data).status_code == 302


def test_long_coop_names_get_distinct_slugs_that_fit(client, world):
    from governance import service

    base = "Long " + "x" * 150
    first = service.create_coop(
        actor=world.admin, network=world.network, name=base + "0", country="GB", time_zone="UTC"
    )
    second = service.create_coop(
        actor=world.admin, network=world.network, name=base + "1", country="GB", time_zone="UTC"
    )
    db.session.flush()
    assert first.slug != second.slug
    assert len(second.slug) <= 64


@pytest.mark.parametrize(
    "query",
    [
        "page=99999999999999999999",
        "page=-3",
        "page=x",
        "since=9999-12-31",
        "until=9999-12-31",
        "since=0001-01-01",
    ],
)
def test_audit_page_survives_odd_paging_and_dates(client, world, query):
    sign_in(client, world.admin)
    response = client.get(f"/audit?{query}")
    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert "must be a date like" in response.get_data(as_text=True)


def test_admin_admits_an_existing_coop_to_a_second_network(client, world):
    sign_in(client, world.admin)
    coop = world.coops[0]
    response = client.post("/networks/othernet/admit", data={"coop": str(coop.id)})
    assert response.status_code == 302
    assert [n.name for n in coop.networks] == ["Othernet", "Testnet"]


def test_beyond_a_list_of_fifty_the_admin_finds_the_co_op_to_admit_by_name(client, world, monkeypatch):
    from governance import views

    monkeypatch.setattr(views, "ADMIT_CHOICES", 2)  # the world's three co-ops stand for thousands
    sign_in(client, world.admin)
    page = client.get("/networks/othernet").get_data(as_text=True)
    admit = page.split('id="admit-h"')[1]
    assert 'name="find"' in admit and "3 co-ops in other networks could be admitted" in admit
    assert "<select" not in admit  # no list of every co-op of the instance

    found = client.get("/networks/othernet?find=THAMES").get_data(as_text=True).split('id="admit-h"')[1]
    assert f'<option value="{world.coops[0].id}">Thames Code (GB)</option>' in found
    assert "Hudson" not in found and 'value="THAMES"' in found

    nothing = client.get("/networks/othernet?find=50%25_").get_data(as_text=True)  # LIKE's wildcards, as typed
    assert "No co-op outside this network has “50%_” in its name." in nothing

    wide = client.get("/networks/othernet?find=o").get_data(as_text=True).split('id="admit-h"')[1]
    assert wide.count("<option ") == 2 and "The first 2 that match, by name" in wide

    rio = world.coops[2]  # not offered on the page above, and still admitted when sent
    assert client.post("/networks/othernet/admit", data={"coop": str(rio.id)}).status_code == 302
    assert "Othernet" in [n.name for n in rio.networks]
    again = client.post("/networks/othernet/admit", data={"coop": str(rio.id)}, follow_redirects=True)
    assert "Choose a co-op that is not in the network yet." in again.get_data(as_text=True)
    assert client.post("/networks/othernet/admit", data={"coop": "x"}).status_code == 303


def test_admin_names_a_delegate_and_the_change_is_audited(client, world):
    from governance import audit

    sign_in(client, world.admin)
    coop, member = world.coops[0], world.members[0]
    response = client.post(f"/coops/{coop.slug}/people/{member.id}/role", data={"role": "delegate"})
    assert response.status_code == 302
    assert member.role_in(coop) == CoopRole.DELEGATE
    last = db.session.scalar(select(audit.AuditEvent).order_by(audit.AuditEvent.seq.desc()))
    assert (last.action, last.data["to"]) == ("coop.role_changed", "delegate")


def test_a_delegate_cannot_change_roles_in_another_coop(client, world):
    sign_in(client, world.delegates[1])
    member = world.members[0]
    response = client.post(f"/coops/{world.coops[0].slug}/people/{member.id}/role", data={"role": "delegate"})
    assert response.status_code == 403
    assert member.role_in(world.coops[0]) == CoopRole.MEMBER


def test_a_coop_names_its_own_delegates(client, world):
    sign_in(client, world.delegates[0])
    member = world.members[0]
    response = client.post(f"/coops/{world.coops[0].slug}/people/{member.id}/role", data={"role": "delegate"})
    assert response.status_code == 302
    assert member.role_in(world.coops[0]) == CoopRole.DELEGATE


def test_admin_names_a_steward_by_email(client, world):
    sign_in(client, world.admin)
    person = world.delegates[2]
    response = client.post("/networks/testnet/roles", data={"email": person.email, "role": "steward"})
    assert response.status_code == 302
    assert person.has_network_role(world.network, NetworkRoleKind.STEWARD)


def test_naming_a_role_for_an_unknown_email_says_so(client, world):
    sign_in(client, world.admin)
    response = client.post(
        "/networks/testnet/roles",
        data={"email": "ghost@example.org", "role": "steward"},
        follow_redirects=True,
    )
    assert "Nobody has an account with ghost@example.org" in response.get_data(as_text=True)


def test_steward_acting_on_a_network_they_do_not_run_is_refused(client, world):
    sign_in(client, world.steward)
    response = client.post("/networks/othernet/roles", data={"email": world.steward.email, "role": "admin"})
    assert response.status_code == 403
    assert not world.steward.has_network_role(world.other_network, NetworkRoleKind.ADMIN)


def test_settings_change_time_zone_and_times_follow_it(client, world):
    person = world.members[0]
    sign_in(client, person)
    response = client.post("/settings", data={"name": person.name, "time_zone": "Asia/Tokyo"})
    assert response.status_code == 302
    page = client.get("/settings").get_data(as_text=True)
    assert "Asia/Tokyo" in page
    response = client.post("/settings", data={"name": person.name, "time_zone": "Tokyo"})
    assert response.status_code == 400
    assert person.time_zone == "Asia/Tokyo"


def test_token_is_shown_once_then_only_its_prefix(client, world):
    sign_in(client, world.delegates[0])
    page = client.post("/settings/tokens", data={"name": "my script"}).get_data(as_text=True)
    assert "Copy it now" in page
    secret = page.split('<code id="new-token">')[1].split("</code>")[0]
    assert secret.startswith("rt_")
    again = client.get("/settings").get_data(as_text=True)
    assert secret not in again and secret[:10] in again


def test_pages_carry_no_external_assets(client, world):
    sign_in(client, world.admin)
    for path in ["/", "/networks/testnet", "/settings", "/audit", "/api/v1/docs"]:
        page = client.get(path).get_data(as_text=True)
        assert "http://" not in page.replace("http://localhost", "") or path == "/api/v1/docs"
        assert "https://" not in page or path == "/api/v1/docs"
        assert '<script src="http' not in page and '<script src="//' not in page  # same-origin scripts only
