"""Marshmallow schemas of the proposals API (they are also its OpenAPI document)."""

import math

import marshmallow as ma
from flask_login import current_user
from marshmallow import validate

from governance.paging import PageQuerySchema
from governance.schemas import PersonRefSchema, Ref
from governance.texts import _, _l
from proposals import permissions
from proposals.lifecycle import ActorKind, State, Transition, allowed_transitions
from proposals.models import Kind, Stance
from proposals.money import digits, is_currency
from proposals.service import (
    BODY_MAX,
    COMMENT_MAX,
    COUNT_MAX,
    MONEY_MAX,
    NOTE_MAX,
    SUMMARY_MAX,
    TITLE_MAX,
)

COUNT = validate.Range(min=0, max=COUNT_MAX)
MONEY = validate.Range(min=0, max=MONEY_MAX)
ID = validate.Range(min=1, max=2**31 - 1)  # the database's integer column


class WholeNumber(ma.fields.Int):
    """An integer; a fraction (60.5) is refused, never truncated as marshmallow's Int would."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, float) and math.isfinite(value) and not value.is_integer():
            raise ma.ValidationError(self._fraction_message(data))
        return super()._deserialize(value, attr, data, **kwargs)

    def _fraction_message(self, data) -> str:
        return _("Give a whole number.")


class MinorUnits(WholeNumber):
    """An amount in whole minor units (pence, cents; yen for JPY), in the currency given alongside."""

    def _fraction_message(self, data) -> str:
        currency = str((data or {}).get("currency") or "").strip().upper()
        if is_currency(currency) and digits(currency) == 0:
            return _("%(currency)s has no minor units: give a whole amount, such as 1250.", currency=currency)
        return _("Give whole minor units, such as 125050 for 1,250.50.")


class FactsSchema(ma.Schema):
    monthly_revenue_minor = MinorUnits(
        allow_none=True,
        validate=MONEY,
        metadata={"description": "Whole minor units (pence; yen for JPY)."},
    )
    monthly_costs_minor = MinorUnits(allow_none=True, validate=MONEY)
    currency = ma.fields.Str(
        allow_none=True, validate=validate.Regexp(r"^[A-Za-z]{3}$", error=_l("A three-letter ISO 4217 code."))
    )
    hours_per_month = WholeNumber(allow_none=True, validate=COUNT)
    seats = WholeNumber(allow_none=True, validate=COUNT)
    term_months = WholeNumber(allow_none=True, validate=COUNT)


class ProposalEditSchema(ma.Schema):
    title = ma.fields.Str(validate=validate.Length(min=1, max=TITLE_MAX))
    kind = ma.fields.Enum(Kind, by_value=True)
    summary = ma.fields.Str(validate=validate.Length(max=SUMMARY_MAX))
    body = ma.fields.Str(validate=validate.Length(max=BODY_MAX), metadata={"description": "Markdown."})
    facts = ma.fields.Nested(FactsSchema, metadata={"description": "For shared services and joint ventures."})
    change_note = ma.fields.Str(load_default="", validate=validate.Length(max=NOTE_MAX))


class ProposalInSchema(ProposalEditSchema):
    title = ma.fields.Str(required=True, validate=validate.Length(min=1, max=TITLE_MAX))
    kind = ma.fields.Enum(Kind, by_value=True, required=True)
    networks = ma.fields.List(
        ma.fields.Str(),
        required=True,
        validate=validate.Length(min=1),
        metadata={"description": "Network slugs."},
    )


class ProposalQuerySchema(PageQuerySchema):
    network = ma.fields.Str(metadata={"description": "A network's slug."})
    kind = ma.fields.Enum(Kind, by_value=True)
    state = ma.fields.Enum(State, by_value=True)


class ProposalSummarySchema(ma.Schema):
    id = ma.fields.Int()
    state = ma.fields.Enum(State, by_value=True)
    kind = ma.fields.Enum(Kind, by_value=True)
    title = ma.fields.Str()
    summary = ma.fields.Str()
    summary_html = ma.fields.Str(metadata={"description": "The summary as sanitised HTML."})
    networks = ma.fields.List(ma.fields.Nested(Ref))
    updated_at = ma.fields.AwareDateTime()


class ProposalSchema(ProposalSummarySchema):
    body = ma.fields.Str()
    body_html = ma.fields.Str(metadata={"description": "The body as sanitised HTML."})
    facts = ma.fields.Nested(FactsSchema)
    created_by = ma.fields.Nested(PersonRefSchema, allow_none=True)
    created_at = ma.fields.AwareDateTime()
    state_changed_at = ma.fields.AwareDateTime()
    revision = ma.fields.Function(
        lambda p: p.current_revision.number, metadata={"description": "Current revision."}
    )
    is_text_frozen = ma.fields.Bool()
    allowed_transitions = ma.fields.Method(
        "_allowed", metadata={"description": "The steps the caller may take now (stewards only)."}
    )

    def _allowed(self, proposal) -> list[str]:
        if not permissions.can_steward(current_user, proposal):
            return []
        return [t.value for t in allowed_transitions(proposal.state, ActorKind.STEWARD)]


class RevisionSchema(ma.Schema):
    number = ma.fields.Int()
    kind = ma.fields.Enum(Kind, by_value=True)
    title = ma.fields.Str()
    summary = ma.fields.Str()
    summary_html = ma.fields.Str()
    body = ma.fields.Str()
    body_html = ma.fields.Str()
    facts = ma.fields.Nested(FactsSchema)
    change_note = ma.fields.Str()
    author = ma.fields.Nested(PersonRefSchema, allow_none=True)
    created_at = ma.fields.AwareDateTime()


class CompareQuerySchema(ma.Schema):
    from_ = ma.fields.Int(data_key="from", required=True, validate=validate.Range(min=1))
    to = ma.fields.Int(required=True, validate=validate.Range(min=1))


class DiffRowSchema(ma.Schema):
    op = ma.fields.Str(metadata={"description": "equal, delete, insert, or gap (unchanged lines left out)."})
    old = ma.fields.Int(allow_none=True)
    new = ma.fields.Int(allow_none=True)
    text = ma.fields.Str()


class DiffSectionSchema(ma.Schema):
    name = ma.fields.Str()
    is_changed = ma.fields.Bool()
    rows = ma.fields.Function(
        lambda s: [dict(zip(("op", "old", "new", "text"), row, strict=True)) for row in s.rows]
    )


class DiffSchema(ma.Schema):
    from_ = ma.fields.Int(data_key="from")
    to = ma.fields.Int()
    sections = ma.fields.List(ma.fields.Nested(DiffSectionSchema))


class TransitionInSchema(ma.Schema):
    transition = ma.fields.Enum(Transition, by_value=True, required=True)
    note = ma.fields.Str(load_default="", validate=validate.Length(max=NOTE_MAX))


class StateChangeSchema(ma.Schema):
    transition = ma.fields.Enum(Transition, by_value=True)
    from_state = ma.fields.Enum(State, by_value=True)
    to_state = ma.fields.Enum(State, by_value=True)
    actor = ma.fields.Nested(
        PersonRefSchema, allow_none=True, metadata={"description": "None: Roundtable itself."}
    )
    at = ma.fields.AwareDateTime()
    note = ma.fields.Str()


class CommentInSchema(ma.Schema):
    body = ma.fields.Str(required=True, validate=validate.Length(min=1, max=COMMENT_MAX))
    parent_id = ma.fields.Int(
        allow_none=True, load_default=None, strict=True, validate=ID, metadata={"description": "To reply."}
    )


class CommentEditSchema(ma.Schema):
    body = ma.fields.Str(required=True, validate=validate.Length(min=1, max=COMMENT_MAX))


class CommentSchema(ma.Schema):
    id = ma.fields.Int()
    parent_id = ma.fields.Int(allow_none=True)
    author = ma.fields.Nested(PersonRefSchema, allow_none=True)
    body = ma.fields.Str()
    body_html = ma.fields.Str(metadata={"description": "The body as sanitised HTML."})
    created_at = ma.fields.AwareDateTime()
    edited_at = ma.fields.AwareDateTime(allow_none=True)
    is_edited = ma.fields.Bool()


class InterestInSchema(ma.Schema):
    stance = ma.fields.Enum(Stance, by_value=True, required=True)
    note = ma.fields.Str(load_default="", validate=validate.Length(max=1000))


class InterestRowSchema(ma.Schema):
    coop = ma.fields.Nested(Ref)
    country = ma.fields.Str()
    time_zone = ma.fields.Str()
    worker_members = ma.fields.Int()
    stance = ma.fields.Enum(Stance, by_value=True, allow_none=True)
    note = ma.fields.Str()
    updated_at = ma.fields.AwareDateTime(allow_none=True)


class WhoIsInSchema(ma.Schema):
    coops = ma.fields.Method("_coops")
    counts = ma.fields.Dict(keys=ma.fields.Str(), values=ma.fields.Int())
    interested_worker_members = ma.fields.Int()
    interested_countries = ma.fields.List(ma.fields.Str())
    interested_zones = ma.fields.List(ma.fields.Str())

    def _coops(self, who):
        rows = [
            {
                "coop": coop,
                "country": coop.country,
                "time_zone": coop.time_zone,
                "worker_members": coop.worker_members,
                "stance": signal.stance if signal else None,
                "note": signal.note if signal else "",
                "updated_at": signal.updated_at if signal else None,
            }
            for coop, signal in who.rows
        ]
        return InterestRowSchema(many=True).dump(rows)
