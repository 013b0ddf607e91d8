"""Which audit actions tell people what: the plain routing rules."""

import ast
from pathlib import Path

import pytest

from governance.notifications.kinds import CHAT_KINDS, LABELS, ROUTED_ACTIONS, Kind, route


@pytest.mark.parametrize(
    ("action", "data", "kind"),
    [
        ("proposal.transition", {"from": "draft", "to": "discussion"}, Kind.PROPOSAL_DISCUSSION),
        ("proposal.transition", {"from": "discussion", "to": "voting"}, None),  # vote.opened tells it
        ("proposal.transition", {"from": "voting", "to": "passed"}, None),  # vote.closed tells it
        ("vote.opened", {}, Kind.VOTE_OPENED),
        ("vote.closed", {"sentence": "Passed: 5 of 7 said yes."}, Kind.VOTE_RESULT),
        ("vote.closed", {"outcome": "withdrawn"}, None),
        ("vote.ballot_cast", {}, None),
        ("vote.reminded", {}, Kind.VOTE_REMINDER),
        ("vote.extended", {"closes_at": "2028-04-04T17:30:00+00:00"}, Kind.VOTE_EXTENDED),
        ("campaign.opened", {}, Kind.CAMPAIGN_OPENED),
        ("campaign.committed", {}, Kind.CAMPAIGN_COMMITTED),
        ("vote.outcome_written", {"statement": "Thames Code hosts it."}, Kind.VOTE_RESULT),
        ("agreement.drafted", {"coops": ["thames-code"]}, Kind.AGREEMENT_TO_SIGN),
        ("agreement.superseded", {"coops": ["thames-code"]}, Kind.AGREEMENT_TO_SIGN),
        ("agreement.reminded", {}, None),  # the steward's reminder is mailed by the agreement, once
        ("campaign.lapsed", {}, Kind.CAMPAIGN_LAPSED),
        ("pledge.made", {}, None),
        ("agreement.issued", {}, Kind.AGREEMENT_ISSUED),
        ("meeting.confirmed", {}, Kind.MEETING_CONFIRMED),
        ("meeting.answered", {}, None),
        ("network.created", {}, None),
    ],
)
def test_route(action, data, kind):
    assert route(action, data) == kind


def test_every_kind_has_words_and_the_chat_hears_the_issues_list():
    assert set(LABELS) == set(Kind)
    assert all(label[0].isupper() and "_" not in label for label in LABELS.values())
    assert {
        Kind.VOTE_OPENED,
        Kind.VOTE_CLOSING,
        Kind.VOTE_RESULT,
        Kind.CAMPAIGN_COMMITTED,
        Kind.CAMPAIGN_LAPSED,
        Kind.MEETING_CONFIRMED,
    } == CHAT_KINDS


def _literal_actions(path: Path) -> tuple[set[str], list[str]]:
    """The actions a module passes to `audit.record`: literals, members of its enums, module constants,
    both sides of a conditional; and the calls whose action cannot be read."""
    tree = ast.parse(path.read_text(), str(path))
    names: dict[str, str] = {}
    for node in ast.walk(tree):
        body = node.body if isinstance(node, ast.ClassDef | ast.Module) else []
        prefix = f"{node.name}." if isinstance(node, ast.ClassDef) else ""
        for statement in body:
            if isinstance(statement, ast.Assign) and isinstance(statement.value, ast.Constant):
                for target in statement.targets:
                    if isinstance(target, ast.Name) and isinstance(statement.value.value, str):
                        names[prefix + target.id] = statement.value.value

    def read(arg) -> list[str] | None:
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
            return [arg.value]
        if isinstance(arg, ast.IfExp):
            sides = [read(arg.body), read(arg.orelse)]
            return None if None in sides else [a for side in sides for a in side or []]
        found = names.get(ast.unparse(arg))
        return [found] if found else None

    emitted, unread = set(), []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        is_record = (
            isinstance(func, ast.Attribute) and func.attr == "record" and ast.unparse(func.value) == "audit"
        ) or (isinstance(func, ast.Name) and func.id == "record" and path.name != "audit.py")
        if is_record and node.args:
            actions = read(node.args[0])
            if actions is None:
                unread.append(f"{path}:{node.lineno}")
            else:
                emitted.update(actions)
    return emitted, unread


def test_every_action_that_notifies_is_one_the_code_really_writes():
    root = Path(__file__).resolve().parents[3]
    emitted, unread = set(), []
    for package in ("governance", "proposals", "voting"):
        for path in (root / package).rglob("*.py"):
            found, cannot = _literal_actions(path)
            emitted |= found
            unread += cannot
    assert unread == [], "give audit.record an Action member or a literal, so this test can read it"
    assert {"vote.opened", "campaign.committed", "agreement.drafted", "meeting.confirmed"} <= emitted
    assert sorted(ROUTED_ACTIONS - emitted) == []


def test_the_reading_of_actions_catches_a_mapped_action_nobody_writes(tmp_path):
    module = tmp_path / "feature.py"
    module.write_text(
        "from enum import StrEnum\n"
        "from governance import audit\n"
        "class Action(StrEnum):\n    DONE = 'thing.done'\n"
        "RETRIED = 'thing.retried'\n"
        "def work(again):\n"
        "    audit.record(Action.DONE if again else RETRIED, actor=None)\n"
        "    audit.record('thing.said', actor=None)\n"
    )
    emitted, unread = _literal_actions(module)
    assert emitted == {"thing.done", "thing.retried", "thing.said"} and unread == []
    assert "thing.closed" not in emitted
