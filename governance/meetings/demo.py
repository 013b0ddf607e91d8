"""Demo meetings (idempotent; runs after the votes' demo).

- The seed's round-table: proposed to CoTech, the US network, FACTTIC and Patio for "Tues 4th or Thurs
  6th April @ 17.30 UTC" (the next April in which the 4th is a Tuesday), with several co-ops answered.
- A confirmed learning round-table held a month ago, with its notes and decisions recorded.
The past one is proposed, answered and confirmed through the service with past times (`now=`).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from governance.extensions import db
from governance.meetings import service
from governance.meetings.models import Meeting, Topic
from governance.models import person_by_email
from governance.types import utcnow

SEED_TITLE = "Round-table: UK and US tech co-ops working together"
SEED_AGENDA = """Three topics, to break out into strands at later meetings if there is interest:

1. Business development: sub-contracting and referrals between our co-ops.
2. Learning: sharing skills, training and practice.
3. Strategic joint ventures: the shared hosted service that needs a new co-operative host.
"""
# co-op name -> answers to (Tuesday, Thursday)
SEED_ANSWERS = {
    "Thames Code Co-op": ("yes", "yes"),
    "Mill Digital": ("yes", "no"),
    "Hudson Tech Collective": ("yes", "if_need_be"),
    "Bay Commons Dev": ("if_need_be", "if_need_be"),
    "Cooperativa Río Software": ("no", "yes"),
}
PAST_TITLE = "Learning strand: first round-table"
PAST_NOTES = """Eleven people from five co-ops. We shared how each co-op onboards new worker-members and
agreed that a common reading list and a monthly pairing rota would help all of us."""
PAST_DECISIONS = """- Clyde Web Workers keeps the reading list.
- A pairing rota starts next month; each co-op offers two hours a month.
- The referral policy goes to a vote of CoTech."""


def seed_slots(now: datetime) -> list[datetime]:
    """Tuesday 4th and Thursday 6th April at 17:30 UTC, in the first such April still to come."""
    year = now.year
    while date(year, 4, 4).weekday() != 1 or datetime(year, 4, 4, 17, 30, tzinfo=UTC) <= now:
        year += 1
    return [datetime(year, 4, 4, 17, 30, tzinfo=UTC), datetime(year, 4, 6, 17, 30, tzinfo=UTC)]


def load(world) -> None:
    now = utcnow().replace(microsecond=0)
    if _meeting(SEED_TITLE) is None:
        _seed_round_table(world, now)
    if _meeting(PAST_TITLE) is None:
        _past_round_table(world, now)


def _meeting(title: str) -> Meeting | None:
    return db.session.scalar(select(Meeting).where(Meeting.title == title))


def _delegate(world, coop_name: str):
    return person_by_email(f"delegate@{world.coops[coop_name].slug}.example")


def _seed_round_table(world, now: datetime) -> None:
    from proposals import demo as proposals_demo
    from proposals.models import Proposal

    seed = db.session.scalar(select(Proposal).where(Proposal.title == proposals_demo.TITLE))
    meeting = service.propose_meeting(
        actor=world.steward,
        networks=list(world.networks.values()),
        title=SEED_TITLE,
        topic=Topic.GENERAL,
        agenda=SEED_AGENDA,
        video_url="https://meet.example.org/roundtable-uk-us",
        duration_minutes=90,
        slots=seed_slots(now),
        proposals=[seed] if seed else [],
        now=now,
    )
    tuesday, thursday = meeting.slots
    for coop_name, (first, second) in SEED_ANSWERS.items():
        service.answer_slots(
            meeting,
            actor=_delegate(world, coop_name),
            coop=world.coops[coop_name],
            answers={tuesday.id: first, thursday.id: second},
            now=now,
        )
    member = person_by_email(f"member@{world.coops['Thames Code Co-op'].slug}.example")
    service.answer_slots(
        meeting, actor=member, answers={tuesday.id: "yes", thursday.id: "if_need_be"}, now=now
    )


def _past_round_table(world, now: datetime) -> None:
    from proposals.models import Proposal
    from voting import demo as voting_demo

    proposed_at = now - timedelta(days=45)
    held = (now - timedelta(days=30)).replace(hour=17, minute=30, second=0)
    other = held + timedelta(days=2)
    meeting = service.propose_meeting(
        actor=world.steward,
        networks=[world.networks["CoTech"], world.networks["Patio"]],
        title=PAST_TITLE,
        topic=Topic.LEARNING,
        agenda="How each co-op learns and teaches; a shared reading list; pairing across co-ops.",
        video_url="https://meet.example.org/learning-strand",
        duration_minutes=60,
        slots=[held, other],
        now=proposed_at,
    )
    first, second = meeting.slots
    for coop_name in ("Thames Code Co-op", "Clyde Web Workers", "Hudson Tech Collective"):
        service.answer_slots(
            meeting,
            actor=_delegate(world, coop_name),
            coop=world.coops[coop_name],
            answers={first.id: "yes", second.id: "if_need_be"},
            now=proposed_at + timedelta(days=2),
        )
    service.confirm_meeting(meeting, actor=world.steward, slot=first, now=proposed_at + timedelta(days=5))
    policy = db.session.scalar(select(Proposal).where(Proposal.title == voting_demo.POLICY_TITLE))
    service.record_notes(
        meeting,
        actor=world.steward,
        notes=PAST_NOTES,
        decisions=PAST_DECISIONS,
        moved=[policy] if policy else [],
        now=held + timedelta(hours=2),
    )
