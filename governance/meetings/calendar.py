"""Meetings as calendar events: the "add to calendar" file and the entries of a person's feed."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from governance.meetings import permissions
from governance.meetings.models import Meeting, MeetingState
from governance.notifications.calendar import Entry
from governance.texts import _


def link(meeting: Meeting) -> str:
    return f"{current_app.config['BASE_URL'].rstrip('/')}/meetings/{meeting.id}"


def entry(meeting: Meeting) -> Entry:
    starts = meeting.starts_at
    assert starts is not None
    agenda = meeting.agenda.strip()
    description = "\n\n".join(
        part
        for part in (
            meeting.topic.label,
            agenda,
            _("Join: %(url)s", url=meeting.video_url) if meeting.video_url else "",
            link(meeting),
        )
        if part
    )
    return Entry(
        kind="meeting",
        id=meeting.id,
        summary=meeting.title,
        starts_at=starts,
        ends_at=starts + timedelta(minutes=meeting.duration_minutes),
        url=link(meeting),
        description=description,
        location=meeting.video_url,
        sequence=meeting.sequence,
        is_cancelled=meeting.state == MeetingState.CANCELLED,
    )


def feed_entries(person) -> list[Entry]:
    """Confirmed meetings (and cancelled ones that had a time, so calendars drop them) the person can see."""
    rows = db_meetings()
    return [entry(m) for m in rows if m.starts_at is not None and permissions.can_see(person, m)]


def db_meetings() -> list[Meeting]:
    from governance.extensions import db

    return list(db.session.scalars(select(Meeting).where(Meeting.state != MeetingState.PROPOSED)))
