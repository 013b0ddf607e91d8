"""What people are told about, how, and which audit actions tell them: plain rules, no Flask, no database.

Notifications listen to the audit log (`governance.audit.listeners`), so no service needs to know who is
told what: `route` maps an event's action and data to a kind, or to nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from governance.texts import N_, _


class Kind(StrEnum):
    PROPOSAL_DISCUSSION = "proposal_discussion"
    VOTE_OPENED = "vote_opened"
    VOTE_CLOSING = "vote_closing"
    VOTE_REMINDER = "vote_reminder"
    VOTE_EXTENDED = "vote_extended"
    VOTE_RESULT = "vote_result"
    CAMPAIGN_OPENED = "campaign_opened"
    CAMPAIGN_CLOSING = "campaign_closing"
    CAMPAIGN_COMMITTED = "campaign_committed"
    CAMPAIGN_LAPSED = "campaign_lapsed"
    AGREEMENT_TO_SIGN = "agreement_to_sign"
    AGREEMENT_REMINDER = "agreement_reminder"
    AGREEMENT_ISSUED = "agreement_issued"
    MEETING_PROPOSED = "meeting_proposed"
    MEETING_CONFIRMED = "meeting_confirmed"
    MEETING_SOON = "meeting_soon"
    MEETING_CANCELLED = "meeting_cancelled"
    MEETING_NOTES = "meeting_notes"

    @property
    def label(self) -> str:
        return _(LABELS[self])

    @property
    def is_for_delegates(self) -> bool:
        """Told to the delegates who act on it, not to every person of the co-op."""
        return self in DELEGATE_KINDS


LABELS = {
    Kind.PROPOSAL_DISCUSSION: N_("A proposal is opened for discussion"),
    Kind.VOTE_OPENED: N_("A vote opens"),
    Kind.VOTE_CLOSING: N_("A vote closes in 24 hours and your co-op has not voted"),
    Kind.VOTE_REMINDER: N_("A steward's reminder to vote"),
    Kind.VOTE_EXTENDED: N_("A vote's deadline is extended"),
    Kind.VOTE_RESULT: N_("A vote's result and outcome"),
    Kind.CAMPAIGN_OPENED: N_("A pledge campaign opens"),
    Kind.CAMPAIGN_CLOSING: N_("A campaign closes in 48 hours and your co-op is not in"),
    Kind.CAMPAIGN_COMMITTED: N_("A campaign is committed"),
    Kind.CAMPAIGN_LAPSED: N_("A campaign lapses"),
    Kind.AGREEMENT_TO_SIGN: N_("An agreement is ready to sign"),
    Kind.AGREEMENT_REMINDER: N_("A reminder to sign an agreement"),
    Kind.AGREEMENT_ISSUED: N_("An agreement is issued"),
    Kind.MEETING_PROPOSED: N_("A meeting is proposed: answer its times"),
    Kind.MEETING_CONFIRMED: N_("A meeting is confirmed (the invitation, with a calendar file)"),
    Kind.MEETING_SOON: N_("A meeting starts in an hour"),
    Kind.MEETING_CANCELLED: N_("A meeting is cancelled"),
    Kind.MEETING_NOTES: N_("A meeting's notes and decisions are recorded"),
}

DELEGATE_KINDS = frozenset(
    {
        Kind.VOTE_CLOSING,
        Kind.VOTE_REMINDER,
        Kind.CAMPAIGN_CLOSING,
        Kind.AGREEMENT_TO_SIGN,
        Kind.AGREEMENT_REMINDER,
    }
)

# What a network's chat hears about.
CHAT_KINDS = frozenset(
    {
        Kind.VOTE_OPENED,
        Kind.VOTE_CLOSING,
        Kind.VOTE_RESULT,
        Kind.CAMPAIGN_COMMITTED,
        Kind.CAMPAIGN_LAPSED,
        Kind.MEETING_CONFIRMED,
    }
)


class Delivery(StrEnum):
    IMMEDIATE = "immediate"
    DIGEST = "digest"
    OFF = "off"

    @property
    def label(self) -> str:
        return _(DELIVERY_LABELS[self])


DELIVERY_LABELS = {
    Delivery.IMMEDIATE: N_("Email at once"),
    Delivery.DIGEST: N_("In a daily digest (08:00 your time)"),
    Delivery.OFF: N_("No email"),
}


DEFAULT_DELIVERY = Delivery.IMMEDIATE
DIGEST_HOUR = 8

# Actions whose kind does not depend on their data. Each is an action the services really write (a test
# reads them from the code). Not here, because they are told otherwise: 24 and 48 hours before a vote or a
# campaign closes, and an agreement's periodic reminder (notifications.tasks, per co-op not yet in);
# "agreement.reminded" (the steward's reminder mails the waiting delegates itself, once);
# "campaign.extended" (pledging.service mails every delegate the new deadline itself).
_BY_ACTION = {
    "vote.opened": Kind.VOTE_OPENED,
    "vote.reminded": Kind.VOTE_REMINDER,
    "vote.extended": Kind.VOTE_EXTENDED,
    "vote.outcome_written": Kind.VOTE_RESULT,
    "campaign.opened": Kind.CAMPAIGN_OPENED,
    "campaign.committed": Kind.CAMPAIGN_COMMITTED,
    "campaign.lapsed": Kind.CAMPAIGN_LAPSED,
    "agreement.drafted": Kind.AGREEMENT_TO_SIGN,  # version 1, when the campaign commits
    "agreement.superseded": Kind.AGREEMENT_TO_SIGN,  # a new version: every party signs again
    "agreement.issued": Kind.AGREEMENT_ISSUED,
    "meeting.proposed": Kind.MEETING_PROPOSED,
    "meeting.confirmed": Kind.MEETING_CONFIRMED,
    "meeting.cancelled": Kind.MEETING_CANCELLED,
    "meeting.notes_recorded": Kind.MEETING_NOTES,
}


def route(action: str, data: Mapping[str, Any]) -> Kind | None:
    """The kind of notification an audit event makes, or None when nobody is told about it."""
    if action == "proposal.transition":
        return Kind.PROPOSAL_DISCUSSION if data.get("to") == "discussion" else None
    if action == "vote.closed":
        # A vote closed uncounted (its proposal withdrawn) has no result to tell.
        return Kind.VOTE_RESULT if data.get("sentence") else None
    return _BY_ACTION.get(action)


# Every action `route` may turn into a notification.
ROUTED_ACTIONS = frozenset({"proposal.transition", "vote.closed", *_BY_ACTION})
