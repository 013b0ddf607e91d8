"""Forms of the meeting pages (Flask-WTF: CSRF and shape; `meetings.service` does the real checking)."""

from __future__ import annotations

from datetime import datetime

from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from governance.errors import InvalidInput
from governance.forms import MultiCheckboxField, choices
from governance.meetings.models import TOPIC_LABELS, Topic
from governance.texts import _, _l

SLOT_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M")


class MeetingForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    topic = SelectField(
        _l("Topic"),
        choices=choices((t.value, _l(label)) for t, label in TOPIC_LABELS.items()),
        default=Topic.GENERAL,
    )
    networks = MultiCheckboxField(_l("Networks invited"), coerce=int, validators=[DataRequired()])
    agenda = TextAreaField(_l("Agenda"), validators=[Optional(), Length(max=10_000)])
    proposals = MultiCheckboxField(_l("Proposals on the agenda"), coerce=int, validators=[Optional()])
    video_url = StringField(_l("Video-call link"), validators=[Optional(), Length(max=500)])
    duration_minutes = IntegerField(
        _l("Length in minutes"), default=60, validators=[InputRequired(), NumberRange(min=15, max=480)]
    )
    slots = TextAreaField(
        _l("Candidate times, one a line, in your time zone (like 2027-04-06 18:30)"),
        validators=[DataRequired(message=_l("Give at least one candidate time.")), Length(max=2000)],
    )


class HoursForm(FlaskForm):
    start_hour = IntegerField(
        _l("Working day starts at (hour)"), validators=[InputRequired(), NumberRange(0, 23)]
    )
    end_hour = IntegerField(
        _l("Working day ends at (hour)"), validators=[InputRequired(), NumberRange(1, 24)]
    )


class NotesForm(FlaskForm):
    notes = TextAreaField(_l("Notes"), validators=[DataRequired(), Length(max=50_000)])
    decisions = TextAreaField(_l("Decisions"), validators=[Optional(), Length(max=50_000)])
    moved = MultiCheckboxField(_l("Proposals it moved on"), coerce=int, validators=[Optional()])


def parse_slots(text: str, zone: str) -> list[datetime]:
    """Each line a wall-clock time in `zone`, as UTC; a line that is no time, or a time the clocks skip,
    is refused by name."""
    from voting.forms import local_to_utc

    found = []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        moment = None
        for fmt in SLOT_FORMATS:
            try:
                moment = datetime.strptime(line, fmt)
                break
            except ValueError:
                continue
        if moment is None:
            message = _("“%(line)s” is not a time: write it like 2027-04-06 18:30.", line=line[:40])
            raise InvalidInput(message, errors={"slots": [message]})
        found.append(local_to_utc(moment, zone, "slots"))
    return found
