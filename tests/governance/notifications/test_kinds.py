"""Which audit actions tell people what: the plain routing rules."""

import pytest

from governance.notifications.kinds import CHAT_KINDS, LABELS, Kind, route


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
        ("campaign.closed", {"outcome": "committed"}, Kind.CAMPAIGN_COMMITTED),
        ("campaign.closed", {"outcome": "lapsed"}, Kind.CAMPAIGN_LAPSED),
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
