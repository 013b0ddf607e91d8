"""Marshmallow schemas of the campaigns API (they are also its OpenAPI document).

Money goes in and out as decimal strings in major units ("1250.50"), never as JSON numbers, beside the
integer minor units it is stored in.
"""

import marshmallow as ma
from marshmallow import validate

from governance.schemas import PersonRefSchema, Ref
from governance.texts import _
from proposals import money
from proposals.pledging.models import CampaignState, PledgeEnd
from proposals.pledging.service import HOURS_MAX, NOTE_MAX, REASON_MAX, SEATS_MAX, SOURCE_MAX

_amount = {"description": 'Major units as a decimal string, such as "1250.50" (no float).'}


class RateInSchema(ma.Schema):
    currency = ma.fields.Str(required=True, validate=validate.Length(equal=3))
    rate = ma.fields.Str(
        required=True,
        validate=validate.Length(min=1, max=40),
        metadata={
            "description": "Units of this currency for one unit of the base currency, as a decimal string."
        },
    )
    as_of = ma.fields.Str(required=True, metadata={"description": "The rate's date, YYYY-MM-DD."})
    source = ma.fields.Str(required=True, validate=validate.Length(min=1, max=SOURCE_MAX))


class CampaignInSchema(ma.Schema):
    base_currency = ma.fields.Str(required=True, validate=validate.Length(equal=3))
    rates = ma.fields.List(
        ma.fields.Nested(RateInSchema), load_default=list, validate=validate.Length(max=30)
    )
    target_money = ma.fields.Str(
        allow_none=True, load_default=None, validate=validate.Length(max=40), metadata=_amount
    )
    target_hours = ma.fields.Int(allow_none=True, load_default=None, strict=True)
    seats = ma.fields.Dict(
        keys=ma.fields.Str(validate=validate.Length(min=1, max=60)),
        values=ma.fields.Int(strict=True),
        load_default=dict,
        metadata={"description": 'Seat name -> co-ops it needs, such as {"host": 1, "on-call": 2}.'},
    )
    min_coops = ma.fields.Int(allow_none=True, load_default=None, strict=True)
    min_networks = ma.fields.Int(allow_none=True, load_default=None, strict=True)
    min_countries = ma.fields.Int(allow_none=True, load_default=None, strict=True)
    deadline_at = ma.fields.AwareDateTime(required=True)
    term_months = ma.fields.Int(required=True, strict=True)
    notice_days = ma.fields.Int(load_default=0, strict=True)


class RateSchema(ma.Schema):
    currency = ma.fields.Str()
    name = ma.fields.Function(lambda r: money.name(r.currency))
    rate = ma.fields.Str(attribute="rate_text")
    as_of = ma.fields.Str()
    source = ma.fields.Str()


class CampaignProposalSchema(ma.Schema):
    id = ma.fields.Int()
    title = ma.fields.Str()
    state = ma.fields.Function(lambda p: p.state.value)


class TargetsSchema(ma.Schema):
    money_minor = ma.fields.Int(attribute="target_money_minor", allow_none=True)
    money = ma.fields.Function(
        lambda c: (
            str(money.to_major(c.target_money_minor, c.base_currency)) if c.target_money_minor else None
        ),
        allow_none=True,
    )
    hours = ma.fields.Int(attribute="target_hours", allow_none=True)
    seats = ma.fields.Dict(attribute="target_seats", keys=ma.fields.Str(), values=ma.fields.Int())
    min_coops = ma.fields.Int(allow_none=True)
    min_networks = ma.fields.Int(allow_none=True)
    min_countries = ma.fields.Int(allow_none=True)


class CampaignSchema(ma.Schema):
    id = ma.fields.Int()
    proposal = ma.fields.Nested(CampaignProposalSchema)
    state = ma.fields.Enum(CampaignState, by_value=True)
    base_currency = ma.fields.Str()
    currencies = ma.fields.List(ma.fields.Str())
    rates = ma.fields.List(ma.fields.Nested(RateSchema))
    rounding = ma.fields.Function(lambda c: _rounding())
    targets = ma.fields.Function(lambda c: TargetsSchema().dump(c))
    deadline_at = ma.fields.AwareDateTime()
    first_deadline_at = ma.fields.AwareDateTime(allow_none=True)
    extension_reason = ma.fields.Str()
    time_zone = ma.fields.Str(metadata={"description": "The zone the steward entered the deadline in."})
    term_months = ma.fields.Int()
    notice_days = ma.fields.Int()
    is_during_vote = ma.fields.Bool(
        metadata={"description": "Opened while the vote was open: pledges wait on it."}
    )
    opened_by = ma.fields.Nested(PersonRefSchema, allow_none=True)
    opened_at = ma.fields.AwareDateTime()
    settled_at = ma.fields.AwareDateTime(allow_none=True)
    committed_at = ma.fields.AwareDateTime(allow_none=True)
    lapsed_at = ma.fields.AwareDateTime(allow_none=True)
    outcome = ma.fields.Dict(
        allow_none=True, metadata={"description": "Totals and shortfalls at settlement."}
    )


def _rounding() -> str:
    from proposals.targets import ROUNDING_RULE

    return _(ROUNDING_RULE)


class PledgeInSchema(ma.Schema):
    coop = ma.fields.Str(required=True, metadata={"description": "The slug of the co-op pledging."})
    currency = ma.fields.Str(load_default="", validate=validate.Length(max=3))
    money = ma.fields.Str(
        allow_none=True, load_default=None, validate=validate.Length(max=40), metadata=_amount
    )
    hours = ma.fields.Int(allow_none=True, load_default=None, strict=True)
    seats = ma.fields.List(
        ma.fields.Str(validate=validate.Length(max=60)),
        load_default=list,
        validate=validate.Length(max=SEATS_MAX),
    )
    note = ma.fields.Str(load_default="", validate=validate.Length(max=NOTE_MAX))
    min_coops = ma.fields.Int(
        allow_none=True,
        load_default=None,
        strict=True,
        metadata={"description": "Only if at least N co-ops are in."},
    )
    min_money = ma.fields.Str(
        allow_none=True,
        load_default=None,
        validate=validate.Length(max=40),
        metadata={
            "description": "Only if the money pledged reaches this, in the base currency's major units."
        },
    )


class PledgeSchema(ma.Schema):
    id = ma.fields.Int()
    coop = ma.fields.Nested(Ref)
    made_by = ma.fields.Nested(PersonRefSchema, allow_none=True)
    currency = ma.fields.Str()
    money_minor = ma.fields.Int()
    money = ma.fields.Function(lambda p: str(money.to_major(p.money_minor, p.currency)))
    base_minor = ma.fields.Int(
        metadata={"description": "The same money in the base currency, at the fixed rate."}
    )
    hours = ma.fields.Int(validate=validate.Range(max=HOURS_MAX))
    seats = ma.fields.List(ma.fields.Str())
    note = ma.fields.Str()
    min_coops = ma.fields.Int(allow_none=True)
    min_money_minor = ma.fields.Int(allow_none=True)
    made_at = ma.fields.AwareDateTime()
    is_current = ma.fields.Bool()
    ended_at = ma.fields.AwareDateTime(allow_none=True)
    end_reason = ma.fields.Enum(PledgeEnd, by_value=True, allow_none=True)


class ShortfallSchema(ma.Schema):
    target = ma.fields.Str()
    missing = ma.fields.Int()
    seat = ma.fields.Str()


class StandingSchema(ma.Schema):
    is_met = ma.fields.Bool()
    standing = ma.fields.List(ma.fields.Nested(PledgeSchema))
    waiting = ma.fields.List(ma.fields.Nested(PledgeSchema))
    totals = ma.fields.Dict()
    shortfalls = ma.fields.List(ma.fields.Nested(ShortfallSchema))
    missing = ma.fields.List(ma.fields.Str(), metadata={"description": "What is still missing, in words."})


class ContributionSchema(ma.Schema):
    coop = ma.fields.Nested(Ref)
    currency = ma.fields.Str()
    money_minor = ma.fields.Int()
    base_minor = ma.fields.Int()
    rate = ma.fields.Str(attribute="rate_text")
    rate_as_of = ma.fields.Str()
    rate_source = ma.fields.Str()
    hours = ma.fields.Int()
    seats = ma.fields.List(ma.fields.Str())
    fixed_at = ma.fields.AwareDateTime()


class ExtendInSchema(ma.Schema):
    deadline_at = ma.fields.AwareDateTime(required=True)
    reason = ma.fields.Str(required=True, validate=validate.Length(max=REASON_MAX))
