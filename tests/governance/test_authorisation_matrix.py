"""Who may call what: every route and method of the app, for every role, against one rule table.

The test walks `app.url_map` and the OpenAPI document: a route or an operation with no rule in `RULES`
fails, so no route ships without one. Each case asks as one role (a session cookie for pages, a bearer
token for the API, so a token carries exactly its person's rights) and checks the outcome's class:

- ``ok``: past the authorisation check (2xx, a redirect elsewhere than sign-in, or the input refused:
  400, 409, 422; the payloads here are minimal, the features' own tests check the successes);
- ``no``: refused, 403 or 404 (404 where even existence is private);
- ``sign-in``: a page that redirects an anonymous visitor to the sign-in page;
- ``401``: the API without a valid token (none, or revoked).

A refusal must store nothing: every table's row count and the audit log's head are the same after it.
The world is made once per module; each case runs in a savepoint rolled back after it, so those counts are
the same before every case and are taken once. Every write of a request goes through the test's connection
(the app's session is bound to it), so a refusal that made no change there at all (the connection's own
change counter, `_changes`) stored nothing; only one that did is counted again.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import pytest
import sqlalchemy as sa
from flask import url_for
from sqlalchemy.orm import scoped_session, sessionmaker

from governance.extensions import api, db
from governance.models import Network
from tests import conftest
from tests.factories import PASSWORD
from tests.governance import authorisation_world
from tests.governance.authorisation_world import PEOPLE, ROLES

NOT_ROUTES = {"HEAD", "OPTIONS"}
DOCS = {"/api/v1/openapi.json", "/api/v1/docs"}
HTTP_METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE"}

# -- the rules ---------------------------------------------------------------------------------------------
# A rule names who gets past the check, among the people (anonymous and a revoked token follow from it).
EVERYONE = frozenset(PEOPLE)
TESTNET = frozenset({"member", "delegate", "peer", "steward", "admin"})  # belong to Testnet
TESTNET_DELEGATES = frozenset({"delegate", "peer"})
THAMES = frozenset({"member", "delegate"})  # the people of Thames Code
NONE: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Rule:
    allowed: frozenset[str]
    public: bool = False  # anonymous visitors get past too (a public page, or a link that is its own key)


def public() -> Rule:
    return Rule(EVERYONE, public=True)


def signed_in(who: frozenset[str] = EVERYONE) -> Rule:
    return Rule(frozenset(who))


def only(*who: str) -> Rule:
    return Rule(frozenset(who))


# Each route and method, by endpoint. Read with the world (authorisation_world): the delegate and the
# member are of Thames Code; the comment is the member's; the vote's proxy is Hudson Tech's (the peer's);
# the agreements are Thames Code's and Río Software's; the co-op pages are Thames Code's; Testnet's
# admin is not the instance's superuser, so what only the superuser may do is `signed_in(NONE)`.
RULES: dict[str, Rule] = {
    "agreements.correct GET": only("steward"),
    "agreements.correct POST": only("steward"),
    "agreements.counterpart GET": only("member", "delegate"),
    "agreements.download GET": only("member", "delegate"),
    "agreements.remind POST": only("steward"),
    "agreements.retry POST": only("steward"),
    "agreements.show GET": signed_in(TESTNET),
    "agreements.sign POST": only("delegate"),
    "agreements_api.get_agreement GET": signed_in(TESTNET),
    "agreements_api.sign POST": only("delegate"),
    "api-docs.openapi_json GET": public(),
    "api_docs GET": public(),
    "auth.accept_invitation GET": public(),
    "auth.accept_invitation POST": public(),
    "auth.change_password GET": signed_in(),
    "auth.change_password POST": signed_in(),
    "auth.request_reset GET": public(),
    "auth.request_reset POST": public(),
    "auth.reset_password GET": public(),
    "auth.reset_password POST": public(),
    "auth.sign_in GET": public(),
    "auth.sign_in POST": public(),
    "auth.sign_out POST": signed_in(),
    "auth.sign_out_everywhere POST": signed_in(),
    "core.admit_coop POST": signed_in(NONE),
    "core.change_member_role PATCH": only("delegate", "admin"),
    "core.coop_members GET": signed_in(),
    "core.create_coop POST": only("admin"),
    "core.create_network POST": signed_in(NONE),
    "core.get_coop GET": signed_in(),
    "core.get_network GET": signed_in(),
    "core.grant_network_role POST": only("admin"),
    "core.invite POST": only("delegate", "admin"),
    "core.list_coops GET": signed_in(),
    "core.list_networks GET": signed_in(),
    "core.me GET": signed_in(),
    "core.network_coops GET": signed_in(),
    "core.network_roles GET": signed_in(),
    "main.admit POST": only("admin"),
    "main.audit_log GET": only("admin", "other_admin"),
    "main.cancel_invitation POST": only("delegate", "admin"),
    "main.coop GET": signed_in(),
    "main.create_token POST": signed_in(),
    "main.grant_role POST": only("admin"),
    "main.home GET": signed_in(),
    "main.invite POST": only("delegate", "admin"),
    "main.network GET": signed_in(),
    "main.networks GET": signed_in(),
    "main.new_coop GET": only("admin"),
    "main.new_coop POST": only("admin"),
    "main.new_network GET": signed_in(NONE),
    "main.new_network POST": signed_in(NONE),
    "main.outbox_list GET": signed_in(NONE),
    "main.outbox_retry POST": signed_in(NONE),
    "main.resend_invitation POST": only("delegate", "admin"),
    "main.revoke_role POST": only("admin"),
    "main.revoke_token POST": only("delegate"),
    "main.set_role POST": only("delegate", "admin"),
    "main.settings GET": signed_in(),
    "main.settings POST": signed_in(),
    "meetings.answer POST": only("delegate"),
    "meetings.cancel POST": only("steward"),
    "meetings.confirm POST": only("steward"),
    "meetings.hours GET": only("delegate", "admin"),
    "meetings.hours POST": only("delegate", "admin"),
    "meetings.ics GET": signed_in(TESTNET),
    "meetings.index GET": signed_in(),
    "meetings.new GET": only("outsider", "delegate", "peer", "steward", "other_steward"),
    "meetings.new POST": only("outsider", "delegate", "peer", "steward", "other_steward"),
    "meetings.notes GET": only("steward"),
    "meetings.notes POST": only("steward"),
    "meetings.show GET": signed_in(TESTNET),
    "meetings.suggest_times GET": signed_in(),
    "meetings_api.answer POST": only("delegate"),
    "meetings_api.get_meeting GET": signed_in(TESTNET),
    "meetings_api.list_meetings GET": signed_in(),
    "notifications.chat_settings GET": only("admin"),
    "notifications.connect_chat POST": only("admin"),
    "notifications.feed GET": public(),
    "notifications.index GET": signed_in(),
    "notifications.new_feed POST": signed_in(),
    "notifications.preferences POST": signed_in(),
    "notifications.remove_chat POST": only("admin"),
    "notifications.revoke_feed POST": signed_in(),
    "notifications.test_chat POST": only("admin"),
    "notifications.unsubscribe GET": public(),
    "notifications.unsubscribe POST": public(),
    "ops.healthz GET": public(),
    "ops.readyz GET": public(),
    "pledging.extend GET": only("steward"),
    "pledging.extend POST": only("steward"),
    "pledging.index GET": signed_in(),
    "pledging.open_campaign GET": only("steward"),
    "pledging.open_campaign POST": only("steward"),
    "pledging.pledge POST": only("delegate"),
    "pledging.roster GET": only("steward", "admin"),
    "pledging.settle POST": only("steward"),
    "pledging.show GET": signed_in(TESTNET),
    "pledging.withdraw POST": only("delegate"),
    "pledging_api.contributions GET": signed_in(TESTNET),
    "pledging_api.extend POST": only("steward"),
    "pledging_api.get_campaign GET": signed_in(TESTNET),
    "pledging_api.make_pledge POST": only("delegate"),
    "pledging_api.open_campaign POST": only("steward"),
    "pledging_api.pledge_history GET": signed_in(TESTNET),
    "pledging_api.pledges GET": signed_in(TESTNET),
    "pledging_api.proposal_campaign GET": signed_in(TESTNET),
    "pledging_api.settle POST": only("steward"),
    "pledging_api.standing GET": signed_in(TESTNET),
    "pledging_api.withdraw_pledge DELETE": only("delegate"),
    "proposals.comment POST": only("member", "delegate", "peer", "steward"),
    "proposals.comment_link GET": signed_in(TESTNET),
    "proposals.compare GET": signed_in(TESTNET),
    "proposals.delete_comment POST": only("member"),
    "proposals.edit GET": only("steward"),
    "proposals.edit POST": only("steward"),
    "proposals.edit_comment GET": only("member"),
    "proposals.edit_comment POST": only("member"),
    "proposals.index GET": signed_in(),
    "proposals.interest POST": only("delegate"),
    "proposals.new GET": only("outsider", "delegate", "peer", "steward", "other_steward"),
    "proposals.new POST": only("outsider", "delegate", "peer", "steward", "other_steward"),
    "proposals.show GET": signed_in(TESTNET),
    "proposals.take_step POST": only("steward"),
    "proposals_api.add_comment POST": only("member", "delegate", "peer", "steward"),
    "proposals_api.comments GET": signed_in(TESTNET),
    "proposals_api.compare GET": signed_in(TESTNET),
    "proposals_api.create_proposal POST": only("delegate", "peer", "steward"),
    "proposals_api.edit_comment PATCH": only("member"),
    "proposals_api.edit_proposal PATCH": only("steward"),
    "proposals_api.get_proposal GET": signed_in(TESTNET),
    "proposals_api.list_proposals GET": signed_in(),
    "proposals_api.revision GET": signed_in(TESTNET),
    "proposals_api.revisions GET": signed_in(TESTNET),
    "proposals_api.signal_interest PUT": only("delegate"),
    "proposals_api.take_transition POST": only("steward"),
    "proposals_api.transitions GET": signed_in(TESTNET),
    "proposals_api.who_is_in GET": signed_in(TESTNET),
    "static GET": public(),
    "verify.certificate GET": public(),
    "verify.verify_page GET": public(),
    "verify.verify_page POST": public(),
    "voting.ballots_blt GET": signed_in(TESTNET),
    "voting.cast POST": only("delegate"),
    "voting.close_early POST": only("steward"),
    "voting.extend POST": only("steward"),
    "voting.name_proxy POST": only("delegate"),
    "voting.open_vote GET": only("steward"),
    "voting.open_vote POST": only("steward"),
    "voting.outcome POST": only("steward"),
    "voting.receipts GET": signed_in(TESTNET),
    "voting.remind POST": only("steward"),
    "voting.result GET": signed_in(TESTNET),
    "voting.result_json GET": signed_in(TESTNET),
    "voting.revoke_proxy POST": only("peer"),
    "voting.show GET": signed_in(TESTNET),
    "voting_api.ballots GET": signed_in(TESTNET),
    "voting_api.cast_ballot POST": only("delegate"),
    "voting_api.check_receipt GET": signed_in(TESTNET),
    "voting_api.close_early POST": only("steward"),
    "voting_api.extend POST": only("steward"),
    "voting_api.get_vote GET": signed_in(TESTNET),
    "voting_api.name_proxy POST": only("delegate"),
    "voting_api.open_vote POST": only("steward"),
    "voting_api.participation GET": signed_in(TESTNET),
    "voting_api.proposal_vote GET": signed_in(TESTNET),
    "voting_api.proxies GET": signed_in(TESTNET),
    "voting_api.receipts GET": signed_in(TESTNET),
    "voting_api.remind POST": only("steward"),
    "voting_api.result GET": signed_in(TESTNET),
    "voting_api.revoke_proxy DELETE": only("peer"),
    "voting_api.write_outcome PUT": only("steward"),
}


def expected(endpoint: str, method: str, role: str, *, is_api: bool) -> str:
    rule = RULES[f"{endpoint} {method}"]
    if rule.public and role in ("anonymous", "revoked"):
        return "ok"
    if role == "revoked":
        role = "anonymous" if not is_api else "revoked"
    if role == "revoked":
        return "401"
    if role == "anonymous":
        if rule.public:
            return "ok"
        return "401" if is_api else "sign-in"
    return "ok" if role in rule.allowed else "no"


def outcome(response, *, is_valid_request: bool = False) -> str:
    """The class of a response; for a request valid for whoever may make it, 400 and 422 are refusals."""
    status = response.status_code
    if is_valid_request and status in (400, 422):
        return "no"
    if status in (401,):
        return "401"
    if status in (403, 404):
        return "no"
    if status in (301, 302, 303, 307) and "/sign-in?next=" in response.headers.get("Location", ""):
        return "sign-in"
    if status < 500 and status not in (405, 429):
        return "ok"
    return f"status {status}"


# -- the routes ----------------------------------------------------------------------------------------------


def routes(app) -> list[tuple[str, str]]:
    found = set()
    for rule in app.url_map.iter_rules():
        for method in sorted((rule.methods or set()) - NOT_ROUTES):
            found.add((rule.endpoint, method))
    return sorted(found)


def _collect() -> list[tuple[str, str]]:
    from governance import create_app

    return routes(create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"}))


ROUTES = _collect()


# -- the world, once per module ------------------------------------------------------------------------------


@dataclass
class Matrix:
    app: Any
    connection: sa.Connection
    ids: authorisation_world.Ids
    cookies: dict[str, str]
    counts: dict[str, Any]  # every table's rows and the audit head, as each case starts


@pytest.fixture(scope="module")
def matrix(app, tmp_path_factory):
    from governance.agreements import render
    from tests.conftest import QUICK_HTML

    patch = pytest.MonkeyPatch()
    patch.setitem(app.config, "AGREEMENT_SEAL_DIR", str(tmp_path_factory.mktemp("seal")))
    patch.setitem(app.config, "VERIFY_LIMIT", "10000 per minute")
    patch.setattr(
        render,
        "html_of",
        lambda document: QUICK_HTML.format(title=f"Agreement {document.agreement_id}", what="terms"),
    )
    with app.app_context():
        connection = db.engine.connect()
    outer = connection.begin()
    original = db.session
    db.session = scoped_session(
        sessionmaker(class_=conftest.TestSession, bind=connection, join_transaction_mode="create_savepoint"),
        scopefunc=original.registry.scopefunc,
    )
    try:
        with app.test_request_context():
            ids = authorisation_world.build()
            db.session.remove()
        cookies = {}
        for role, email in ids.emails.items():
            client = app.test_client()
            response = client.post("/sign-in", data={"email": email, "password": PASSWORD})
            assert response.status_code == 302, (role, response.status_code)
            cookies[role] = client.get_cookie("session").value
        yield Matrix(app, connection, ids, cookies, _counts(connection))
    finally:
        db.session = original
        outer.rollback()
        connection.close()
        patch.undo()


@pytest.fixture
def savepoint(matrix):
    nested = matrix.connection.begin_nested()
    yield
    if nested.is_active:
        nested.rollback()


def _counts(connection: sa.Connection) -> dict[str, Any]:
    tables = db.metadata.sorted_tables
    union = sa.union_all(
        *(
            sa.select(sa.literal(t.name).label("name"), sa.func.count().label("rows")).select_from(t)
            for t in tables
        )
    )
    found: dict[str, Any] = {row.name: row.rows for row in connection.execute(union)}
    head = connection.execute(sa.text("SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1")).first()
    found["audit head"] = tuple(head) if head else None
    return found


def _changes(connection: sa.Connection) -> int:
    """How many rows this connection has inserted, updated or deleted so far: it only grows, rolled back
    or not. SQLite's total_changes() ("the number of row changes caused by INSERT, UPDATE or DELETE
    statements since the current database connection was opened"); PostgreSQL's counters of the current
    transaction, which include rows of aborted (sub)transactions too."""
    if connection.dialect.name == "sqlite":
        return connection.exec_driver_sql("SELECT total_changes()").scalar_one()
    return connection.exec_driver_sql(
        "SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) FROM pg_stat_xact_all_tables"
    ).scalar_one()


# -- what each route is asked ---------------------------------------------------------------------------------

# Which of the world's things a route's <argument> names, when it is not the usual one.
ARGUMENTS: dict[str, dict[str, str]] = {
    "voting.open_vote": {"proposal_id": "proposal"},
    "voting_api.open_vote": {"proposal_id": "proposal"},
    "voting_api.proposal_vote": {"proposal_id": "vote_proposal"},
    "pledging.open_campaign": {"proposal_id": "passed_proposal"},
    "pledging_api.open_campaign": {"proposal_id": "passed_proposal"},
    "pledging_api.proposal_campaign": {"proposal_id": "passed_proposal"},
    "voting.result": {"vote_id": "closed_vote"},
    "voting.result_json": {"vote_id": "closed_vote"},
    "voting.receipts": {"vote_id": "closed_vote"},
    "voting.ballots_blt": {"vote_id": "closed_vote"},
    "voting.outcome": {"vote_id": "closed_vote"},
    "voting_api.result": {"vote_id": "closed_vote"},
    "voting_api.write_outcome": {"vote_id": "closed_vote"},
    "voting_api.receipts": {"vote_id": "closed_vote"},
    "agreements.download": {"agreement_id": "issued"},
    "agreements.counterpart": {"agreement_id": "issued"},
    "auth.accept_invitation": {"token": "invitation_secret"},
    "auth.reset_password": {"token": "reset"},
    "notifications.feed": {"token": "feed_secret"},
    "notifications.unsubscribe": {"token": "unsubscribe"},
    "main.revoke_role": {"person_id": "steward_id"},
    "meetings.ics": {"meeting_id": "confirmed_meeting"},
}
USUAL = {
    "proposal_id": "proposal",
    "comment_id": "comment",
    "vote_id": "vote",
    "proxy_id": "proxy",
    "campaign_id": "campaign",
    "agreement_id": "agreement",
    "meeting_id": "meeting",
    "invitation_id": "invitation",
    "connection_id": "connection",
    "token_id": "own_token",
    "person_id": "member_id",
    "coop_slug": "coop",
    "coop_id": "coop_id",
    "receipt": "receipt",
    "item_id": "outbox_item",
}
CONSTANTS = {"number": 1, "filename": "app.css", "role": "steward"}

# The body each route is sent, where its input is read before who asks: a request that is valid for
# whoever may make it. Then a 400 or 422 for someone else is the refusal (the co-op is not theirs, it
# is not among the choices offered them), and counts as `no`.
BODIES: dict[str, Any] = {
    "agreements.sign POST": lambda ids: {"coop": ids["coop_id"], "typed_name": "Jo Thames", "consent": "y"},
    "main.admit POST": lambda ids: {"coop": ids["outsider_coop_id"]},
    "main.create_token POST": {"name": "laptop"},
    "main.grant_role POST": lambda ids: {"email": ids["member_email"], "role": "steward"},
    "main.invite POST": {"email": "ana@example.org", "role": "member"},
    "main.set_role POST": {"role": "delegate"},
    "meetings.answer POST": lambda ids: {"coop": ids["coop_id"], f"slot-{ids['meeting_slot']}": "yes"},
    "meetings.confirm POST": lambda ids: {"slot": ids["meeting_slot"]},
    "meetings.hours POST": {"start_hour": "9", "end_hour": "17"},
    "pledging.extend POST": lambda ids: {"deadline_at": ids["later_local"], "reason": "Holidays"},
    "pledging.pledge POST": lambda ids: {"coop": ids["coop_id"], "currency": "GBP", "money": "5"},
    "pledging.withdraw POST": lambda ids: {"coop": ids["coop_id"]},
    "proposals.comment POST": {"body": "Hello"},
    "proposals.edit_comment POST": {"body": "Second thought"},
    "proposals.interest POST": lambda ids: {"coop": ids["coop_id"], "stance": "interested"},
    "proposals.take_step POST": {"transition": "withdraw", "confirm": "yes"},
    "voting.cast POST": lambda ids: {"coop": ids["coop_id"], "choice": "no"},
    "voting.extend POST": lambda ids: {"closes_at": ids["later_local"], "reason": "Holidays"},
    "voting.name_proxy POST": lambda ids: {"coop": ids["coop_id"], "proxy": ids["rio_id"]},
    "voting.outcome POST": {"statement": "Thames Code hosts it from January."},
    "agreements_api.sign POST": lambda ids: {"coop": ids["coop"], "typed_name": "Jo Thames", "consent": True},
    "core.admit_coop POST": lambda ids: {"coop": ids["outsider_coop"]},
    "core.change_member_role PATCH": {"role": "delegate"},
    "core.create_coop POST": {"name": "New Co", "country": "GB", "time_zone": "Europe/London"},
    "core.create_network POST": {"name": "Newnet"},
    "core.grant_network_role POST": lambda ids: {"email": ids["member_email"], "role": "steward"},
    "core.invite POST": {"email": "ana@example.org", "role": "member"},
    "meetings_api.answer POST": lambda ids: {
        "coop": ids["coop"],
        "answers": [{"slot": ids["meeting_slot"], "answer": "yes"}],
    },
    "pledging_api.extend POST": lambda ids: {"deadline_at": ids["later"], "reason": "Holidays"},
    "pledging_api.open_campaign POST": lambda ids: {
        "base_currency": "GBP",
        "target_money": "1000.00",
        "min_coops": 2,
        "deadline_at": ids["later"],
        "term_months": 24,
        "notice_days": 60,
    },
    "pledging_api.make_pledge POST": lambda ids: {"coop": ids["coop"], "money": "5"},
    "proposals_api.add_comment POST": {"body": "Hello"},
    "proposals_api.compare GET": {"from": 1, "to": 1},
    "proposals_api.create_proposal POST": lambda ids: {
        "title": "Shared accounting",
        "kind": "policy",
        "networks": [ids["network"]],
        "summary": "One bookkeeper.",
        "body": "For all of us.",
    },
    "proposals_api.edit_comment PATCH": {"body": "Second thought"},
    "proposals_api.edit_proposal PATCH": {"title": "Changed"},
    "proposals_api.signal_interest PUT": {"stance": "interested"},
    "proposals_api.take_transition POST": {"transition": "withdraw"},
    "voting_api.cast_ballot POST": lambda ids: {"coop": ids["coop"], "choice": "no"},
    "voting_api.name_proxy POST": lambda ids: {"coop": ids["coop"], "proxy": ids["rio"]},
    "voting_api.open_vote POST": lambda ids: {"method": "yes_no", "closes_at": ids["later"]},
    "voting_api.extend POST": lambda ids: {"closes_at": ids["later"], "reason": "Holidays"},
    "voting_api.write_outcome PUT": {"statement": "Thames Code hosts it from January."},
}


def _arguments(app, endpoint: str, ids) -> dict[str, Any]:
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    values = {}
    for name in rule.arguments:
        if name in CONSTANTS:
            values[name] = CONSTANTS[name]
        elif name == "slug":
            is_coop = "/coops/<slug>" in rule.rule or "/hours/" in rule.rule
            values[name] = ids["coop"] if is_coop else ids["network"]
        else:
            values[name] = ids[ARGUMENTS.get(endpoint, {}).get(name) or USUAL[name]]
    return values


def ask(matrix: Matrix, endpoint: str, method: str, role: str):
    app, ids = matrix.app, matrix.ids
    with app.test_request_context():
        url = url_for(endpoint, **_arguments(app, endpoint, ids))
    is_api = url.startswith("/api/")
    client = app.test_client()
    headers = {}
    if is_api and role != "anonymous":
        headers["Authorization"] = f"Bearer {ids.tokens[role]}"
    elif role in matrix.cookies:
        client.set_cookie("session", matrix.cookies[role])
    elif role == "revoked":  # a page ignores a bearer token: the visitor is anonymous
        headers["Authorization"] = f"Bearer {ids.tokens[role]}"
    body = BODIES.get(f"{endpoint} {method}", {})
    body = body(ids) if callable(body) else body
    kwargs: dict[str, Any] = {"json": body} if is_api and method != "GET" else {"data": body}
    if method == "GET":
        kwargs = {"query_string": body}
    return is_api, client.open(url, method=method, headers=headers, **kwargs)


CASES = [pytest.param(e, m, r, id=f"{e} {m} {r}") for e, m in ROUTES for r in ROLES]


@pytest.mark.usefixtures("savepoint")
@pytest.mark.parametrize(("endpoint", "method", "role"), CASES)
def test_who_may_call_what(matrix, endpoint, method, role):
    changes = _changes(matrix.connection)
    is_api, response = ask(matrix, endpoint, method, role)
    found = outcome(response, is_valid_request=f"{endpoint} {method}" in BODIES)
    response.close()  # a file sent (static, a PDF) is open until then
    if os.environ.get("MATRIX_DUMP"):
        with open(os.environ["MATRIX_DUMP"], "a") as out:
            out.write(f"{endpoint}\t{method}\t{role}\t{found}\t{response.status_code}\n")
    assert f"{endpoint} {method}" in RULES, f"{endpoint} {method} has no rule in RULES: add one"
    want = expected(endpoint, method, role, is_api=is_api)
    assert found == want, f"{role} on {method} {endpoint}: {response.status_code}, wanted {want}"
    if found != "ok" and _changes(matrix.connection) != changes:
        assert _counts(matrix.connection) == matrix.counts, (
            f"the refusal of {role} on {method} {endpoint} stored something"
        )


def test_every_api_operation_is_routed_with_a_rule_and_every_api_route_is_documented(app):
    """The OpenAPI document and the URL map agree: each documented operation is a route with a rule,
    and each route under /api/v1/ (but the document and its page) is a documented operation."""
    routed = {}
    for rule in app.url_map.iter_rules():
        path = rule.rule.replace("<int:", "{").replace("<", "{").replace(">", "}")
        for method in (rule.methods or set()) - NOT_ROUTES:
            routed[(path, method.lower())] = rule.endpoint
    paths = api.spec.to_dict()["paths"]
    documented = {(p, m) for p, operations in paths.items() for m in operations if m.upper() in HTTP_METHODS}
    without_rule = sorted(
        f"{method.upper()} {path}"
        for path, method in documented
        if f"{routed.get((path, method))} {method.upper()}" not in RULES
    )
    assert not without_rule, without_rule
    undocumented = sorted(
        f"{method.upper()} {path}"
        for path, method in routed
        if path.startswith("/api/v1/") and path not in DOCS and (path, method) not in documented
    )
    assert not undocumented, undocumented


@pytest.mark.usefixtures("savepoint")
@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/"), ("POST", "/settings/tokens"), ("POST", "/settings/password"), ("POST", "/sign-out")],
)
def test_a_valid_token_is_no_session_for_pages(matrix, method, path):
    """A token carries its person's rights through the API and no more: pages (minting more tokens,
    changing the password, signing out everywhere) still ask for a sign-in."""
    before = _counts(matrix.connection)
    headers = {"Authorization": f"Bearer {matrix.ids.tokens['delegate']}"}
    response = matrix.app.test_client().open(path, method=method, headers=headers, data={"name": "more"})
    assert outcome(response) == "sign-in"
    assert _counts(matrix.connection) == before


@pytest.mark.usefixtures("savepoint")
def test_the_refusal_check_sees_a_row_stored_and_not_one_rolled_back(matrix):
    """The two checks a refusal passes: any row written moves the change counter, and the counts (taken
    once, as every case starts) tell a row stored from one written and rolled back."""
    connection = matrix.connection
    assert _counts(connection) == matrix.counts  # the savepoint of each case leaves the world as it was
    changes = _changes(connection)
    attempt = connection.begin_nested()
    connection.execute(sa.insert(Network).values(name="Gone", slug="gone"))
    attempt.rollback()
    assert _changes(connection) > changes
    assert _counts(connection) == matrix.counts
    connection.execute(sa.insert(Network).values(name="Kept", slug="kept"))
    assert _counts(connection) != matrix.counts
