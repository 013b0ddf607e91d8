"""Time-based notifications: 24 hours before a vote closes, 48 hours before a pledge campaign's deadline,
every three days to the parties still to sign an agreement, an hour before a meeting, the 08:00 digest,
and chat messages to try again. `run_due_notifications` joins the one periodic registry
(`governance.jobs.periodic`): the Huey consumer runs it every minute, or a web process's scheduler thread
without Redis; `flask notifications run-due` does it by hand.

Each records what it sent (a notification's unique key per person, a digest per person and local day),
so a second run, or two runs at once, sends nothing again.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import datetime, timedelta

import click
from flask import url_for
from flask.cli import AppGroup
from sqlalchemy import select

from governance import i18n
from governance.extensions import db
from governance.jobs import periodic
from governance.models import Person
from governance.notifications import chat, service
from governance.notifications.kinds import CHAT_KINDS, DIGEST_HOUR, Delivery, Kind
from governance.notifications.models import DigestSent, Notification
from governance.texts import _, ngettext
from governance.timezones import format_in_zone, to_zone
from governance.types import utcnow

log = logging.getLogger(__name__)

notifications_cli = AppGroup("notifications", help="Reminders, digests and chat.")

VOTE_WARNING = timedelta(hours=24)
CAMPAIGN_WARNING = timedelta(hours=48)
MEETING_WARNING = timedelta(hours=1)
SIGN_REMINDER_EVERY = timedelta(days=3)  # an agreement waiting for signatures: a reminder every three days


def remind_votes_closing(now: datetime | None = None) -> int:
    """The delegates of every co-op that has not voted, once, in the last 24 hours of a vote."""
    from voting.models import Vote

    now = now or utcnow()
    query = select(Vote).where(
        Vote.closed_at.is_(None),
        Vote.closes_at > now,
        Vote.closes_at <= now + VOTE_WARNING,
        Vote.opens_at <= now,
    )
    told = 0
    for vote in db.session.scalars(query):
        voted = {b.coop_id for b in vote.current_ballots}
        title = vote.proposal.title
        path = url_for("voting.show", vote_id=vote.id)
        for elector in vote.electors:
            if elector.coop_id in voted:
                continue
            for person in elector.coop.delegates:
                with i18n.speaking(person):
                    told += bool(
                        service.notify(
                            person,
                            Kind.VOTE_CLOSING,
                            key=f"vote-closing:{vote.id}:{elector.coop_id}",
                            headline=service.headline_of(Kind.VOTE_CLOSING, title),
                            details=_(
                                "%(coop)s has not voted. The vote closes %(time)s.",
                                coop=elector.coop.name,
                                time=format_in_zone(vote.closes_at, person.time_zone),
                            ),
                            path=path,
                            now=now,
                        )
                    )
        if Kind.VOTE_CLOSING in CHAT_KINDS:
            network_ids = [n.id for n in vote.proposal.networks]
            waiting = len(vote.electors) - len(voted)
            with i18n.speaking(i18n.DEFAULT_LOCALE):  # a network's chat is shared: the instance's language
                chat.announce(
                    network_ids,
                    key=f"vote-closing:{vote.id}",
                    title=service.headline_of(Kind.VOTE_CLOSING, title),
                    details=ngettext(
                        "%(num)s co-op still to vote; it closes %(time)s.",
                        "%(num)s co-ops still to vote; it closes %(time)s.",
                        waiting,
                        time=format_in_zone(vote.closes_at, "UTC"),
                    ),
                    path=path,
                )
    return told


def remind_campaigns_closing(now: datetime | None = None) -> int:
    """The delegates of every addressed co-op with no current pledge, once, in the last 48 hours before a
    campaign's deadline (once more if an extension moves the deadline)."""
    from proposals.pledging.models import Campaign, CampaignState

    now = now or utcnow()
    query = select(Campaign).where(
        Campaign.state == CampaignState.OPEN,
        Campaign.deadline_at > now,
        Campaign.deadline_at <= now + CAMPAIGN_WARNING,
        Campaign.opened_at <= now,
    )
    told = 0
    for campaign in db.session.scalars(query):
        pledged = {p.coop_id for p in campaign.current_pledges}
        title, deadline = campaign.proposal.title, campaign.deadline_at
        path = url_for("pledging.show", campaign_id=campaign.id)
        for coop in campaign.proposal.addressed_coops:
            if coop.id in pledged:
                continue
            told += _remind_delegates(
                coop,
                Kind.CAMPAIGN_CLOSING,
                key=f"campaign-closing:{campaign.id}:{coop.id}:{int(deadline.timestamp())}",
                title=title,
                path=path,
                now=now,
                details=lambda person, coop=coop, deadline=deadline: _(
                    "%(coop)s has not pledged. Pledges close %(time)s; nothing binds until "
                    "every target is met.",
                    coop=coop.name,
                    time=format_in_zone(deadline, person.time_zone),
                ),
            )
    return told


def _remind_delegates(coop, kind, *, key: str, title: str, path: str, now: datetime, details) -> int:
    """Remind each delegate of a co-op, in their language and zone (`details(person)`); how many were told."""
    told = 0
    for person in coop.delegates:
        with i18n.speaking(person):
            told += bool(
                service.notify(
                    person,
                    kind,
                    key=key,
                    headline=service.headline_of(kind, title),
                    details=details(person),
                    path=path,
                    now=now,
                )
            )
    return told


def remind_agreements_unsigned(now: datetime | None = None) -> int:
    """The delegates of every party that has not signed an agreement's current version, every three days
    after it opened for signature: each reminder once (its key is the version, the co-op and which third
    day it is), and only the latest one if the task did not run for a while."""
    from governance.agreements.models import AgreementVersion, VersionState

    now = now or utcnow()
    query = select(AgreementVersion).where(
        AgreementVersion.state == VersionState.SIGNING,
        AgreementVersion.created_at <= now - SIGN_REMINDER_EVERY,
    )
    told = 0
    for version in db.session.scalars(query):
        round_ = (now - version.created_at) // SIGN_REMINDER_EVERY
        title = version.terms.title
        path = url_for("agreements.show", agreement_id=version.agreement_id)
        for coop in version.unsigned_coops:
            told += _remind_delegates(
                coop,
                Kind.AGREEMENT_REMINDER,
                key=f"agreement-unsigned:{version.id}:{coop.id}:{round_}",
                title=title,
                path=path,
                now=now,
                details=lambda person, coop=coop, version=version: _(
                    "%(coop)s has not yet signed version %(version)s. It opened for signature %(time)s.",
                    coop=coop.name,
                    version=version.number,
                    time=format_in_zone(version.created_at, person.time_zone),
                ),
            )
    return told


def remind_meetings_soon(now: datetime | None = None) -> int:
    """Everyone invited, once, in the hour before a confirmed meeting starts."""
    from governance.meetings.models import Meeting, MeetingState

    now = now or utcnow()
    told = 0
    for meeting in db.session.scalars(select(Meeting).where(Meeting.state == MeetingState.CONFIRMED)):
        starts = meeting.starts_at
        if starts is None or not now < starts <= now + MEETING_WARNING:
            continue
        people = service.audience([n.id for n in meeting.networks], delegates_only=False)

        def compose(person, meeting=meeting, starts=starts):
            details = _("It starts %(time)s.", time=format_in_zone(starts, person.time_zone))
            if meeting.video_url:
                details += "\n" + _("Join: %(url)s", url=meeting.video_url)
            return service.headline_of(Kind.MEETING_SOON, meeting.title), details, None

        told += len(
            service.notify_each(
                people,
                Kind.MEETING_SOON,
                key=f"meeting-soon:{meeting.id}:{starts.isoformat()}",
                compose=compose,
                path=url_for("meetings.show", meeting_id=meeting.id),
                now=now,
            )
        )
    return told


def send_digests(now: datetime | None = None) -> int:
    """At 08:00 in each person's zone (or the first run after), one mail with what waited for the digest;
    at most one a local day. Returns how many digests were sent."""
    now = now or utcnow()
    query = select(Notification).where(
        Notification.delivery == Delivery.DIGEST,
        Notification.emailed_at.is_(None),
        Notification.created_at <= now,
    )
    waiting: dict[int, list[Notification]] = defaultdict(list)
    for row in db.session.scalars(query.order_by(Notification.created_at, Notification.id)):
        waiting[row.person_id].append(row)
    sent = 0
    for person_id, rows in waiting.items():
        person = db.session.get(Person, person_id)
        local = to_zone(now, person.time_zone)
        if local.hour < DIGEST_HOUR:
            continue
        exists = select(DigestSent.id).where(
            DigestSent.person_id == person_id, DigestSent.local_date == local.date()
        )
        if db.session.scalar(exists) is not None:
            continue
        db.session.add(DigestSent(person_id=person_id, local_date=local.date(), sent_at=now, count=len(rows)))
        for row in rows:
            row.emailed_at = now
        db.session.flush()
        if not service._muted["email"]:
            with i18n.speaking(person):  # the digest in its reader's language, its date in their locale
                service._email(
                    person,
                    rows,
                    unsubscribe_kind=service.DIGEST,
                    subject=ngettext(
                        "Your daily digest: %(num)s thing since yesterday (%(day)s)",
                        "Your daily digest: %(num)s things since yesterday (%(day)s)",
                        len(rows),
                        day=format_day_month(local),
                    ),
                )
        sent += 1
    return sent


def format_day_month(local: datetime) -> str:
    """'2 Dec' in English, '2 dic' in Spanish: the digest's day, in the reader's locale."""
    from babel.dates import format_date

    from governance.texts import current_locale

    locale = current_locale()
    if locale.startswith("en"):
        return f"{local.day} {local:%b}"
    return format_date(local.date(), "d MMM", locale=locale).rstrip(".")


STEPS = (
    remind_votes_closing,
    remind_campaigns_closing,
    remind_agreements_unsigned,
    remind_meetings_soon,
    send_digests,
)


def run_due(now: datetime | None = None) -> dict[str, int]:
    """Every step, each committed on its own, so one failing does not hold back the rest."""
    done = {}
    with service.links():
        for step in STEPS:
            try:
                done[step.__name__] = step(now)
                db.session.commit()
            except Exception:
                db.session.rollback()
                log.exception("notifications: %s failed", step.__name__)
                done[step.__name__] = 0
    done["chat_retried"] = chat.retry_due(now)
    return done


@periodic("notifications")
def run_due_notifications() -> dict[str, int]:
    return run_due()


@notifications_cli.command("run-due")
def run_due_command() -> None:
    """Send the reminders and digests that are due, and retry chat messages."""
    for name, count in run_due().items():
        click.echo(f"{name}: {count}")
