"""Marshmallow schemas of the meetings API (they are also its OpenAPI document)."""

import marshmallow as ma
from marshmallow import validate

from governance.meetings.models import MeetingState, Topic
from governance.meetings.service import SLOTS_MAX
from governance.meetings.slots import Answer

ID_MAX = 2**31 - 1


class LocalTimeSchema(ma.Schema):
    coop = ma.fields.Str(metadata={"description": "The co-op's name."})
    local_time = ma.fields.Str(metadata={"description": "The slot's start at the co-op's clock, ISO 8601."})
    is_working_time = ma.fields.Bool()


class SlotSchema(ma.Schema):
    id = ma.fields.Int()
    starts_at = ma.fields.AwareDateTime()
    is_confirmed = ma.fields.Bool()
    is_best = ma.fields.Bool()
    local_times = ma.fields.List(ma.fields.Nested(LocalTimeSchema))
    yes = ma.fields.List(ma.fields.Str())
    if_need_be = ma.fields.List(ma.fields.Str())
    no = ma.fields.List(ma.fields.Str())
    waiting = ma.fields.List(ma.fields.Str(), metadata={"description": "Co-ops that have not answered it."})


class MeetingSchema(ma.Schema):
    id = ma.fields.Int()
    title = ma.fields.Str()
    topic = ma.fields.Enum(Topic, by_value=True)
    state = ma.fields.Enum(MeetingState, by_value=True)
    agenda = ma.fields.Str()
    video_url = ma.fields.Str()
    duration_minutes = ma.fields.Int()
    networks = ma.fields.List(ma.fields.Str(), metadata={"description": "Network slugs."})
    starts_at = ma.fields.AwareDateTime(allow_none=True, metadata={"description": "Once confirmed."})
    slots = ma.fields.List(ma.fields.Nested(SlotSchema))
    not_answered = ma.fields.List(ma.fields.Str())
    notes = ma.fields.Str()
    decisions = ma.fields.Str()


class AnswerInSchema(ma.Schema):
    slot = ma.fields.Int(required=True, strict=True, validate=validate.Range(min=1, max=ID_MAX))
    answer = ma.fields.Enum(Answer, by_value=True, required=True)


class AnswersInSchema(ma.Schema):
    coop = ma.fields.Str(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=64),
        metadata={"description": "A co-op's slug, to answer for it as its delegate; empty: for yourself."},
    )
    answers = ma.fields.List(
        ma.fields.Nested(AnswerInSchema), required=True, validate=validate.Length(min=1, max=SLOTS_MAX)
    )


class AnsweredSchema(ma.Schema):
    answered = ma.fields.Int()
