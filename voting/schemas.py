"""Marshmallow schemas of the votes API (they are also its OpenAPI document)."""

import marshmallow as ma
from marshmallow import validate

from governance.schemas import PersonRefSchema, Ref
from voting.counting import Base, Method, QuorumBy, TieKind, YesNoChoice, YesNoTie
from voting.models import ProxyEnd, ResultsShown, Secrecy, ThresholdKind, Weighting
from voting.service import OPTION_MAX, OPTIONS_MAX, SCORE_MAX_LIMIT
from voting.steward import OUTCOME_MAX, REASON_MAX


class VoteInSchema(ma.Schema):
    method = ma.fields.Enum(Method, by_value=True, required=True)
    options = ma.fields.List(
        ma.fields.Str(validate=validate.Length(min=1, max=OPTION_MAX)),
        load_default=list,
        validate=validate.Length(max=OPTIONS_MAX),
        metadata={"description": "Option names, for ranked (irv, stv, meek), approval and score votes."},
    )
    seats = ma.fields.Int(load_default=1, validate=validate.Range(min=1, max=OPTIONS_MAX))
    opens_at = ma.fields.AwareDateTime(load_default=None, metadata={"description": "Default: now."})
    closes_at = ma.fields.AwareDateTime(required=True)
    quorum_percent = ma.fields.Int(
        allow_none=True, load_default=None, validate=validate.Range(min=1, max=100)
    )
    quorum_by = ma.fields.Enum(QuorumBy, by_value=True, load_default=QuorumBy.COUNT)
    threshold = ma.fields.Enum(ThresholdKind, by_value=True, load_default=ThresholdKind.MAJORITY)
    base = ma.fields.Enum(Base, by_value=True, load_default=Base.CAST)
    secrecy = ma.fields.Enum(Secrecy, by_value=True, load_default=Secrecy.OPEN)
    results_shown = ma.fields.Enum(ResultsShown, by_value=True, load_default=ResultsShown.AFTER_CLOSE)
    tie_kind = ma.fields.Enum(TieKind, by_value=True, load_default=TieKind.EARLIER_ROUNDS_THEN_RANDOM)
    casting_order = ma.fields.List(
        ma.fields.Str(),
        load_default=list,
        metadata={"description": "Every option, most preferred first (tie_kind casting)."},
    )
    yes_no_tie = ma.fields.Enum(YesNoTie, by_value=True, allow_none=True, load_default=None)
    yes_no_casting = ma.fields.Enum(YesNoChoice, by_value=True, allow_none=True, load_default=None)
    score_max = ma.fields.Int(load_default=5, validate=validate.Range(min=1, max=SCORE_MAX_LIMIT))
    weighting = ma.fields.Enum(Weighting, by_value=True, load_default=Weighting.EQUAL)
    weights = ma.fields.Dict(
        keys=ma.fields.Str(),
        values=ma.fields.Int(),
        load_default=dict,
        metadata={"description": "Co-op slug -> weight, when weighting is set_by_admin."},
    )


class OptionSchema(ma.Schema):
    key = ma.fields.Str()
    name = ma.fields.Str()


class ElectorSchema(ma.Schema):
    coop = ma.fields.Nested(Ref)
    weight = ma.fields.Int()


class ProposalRefSchema(ma.Schema):
    id = ma.fields.Int()
    title = ma.fields.Str()
    state = ma.fields.Function(lambda p: p.state.value)


class _ListOrEmpty(ma.fields.List):
    """A list column that is NULL until its first item: dumped as an empty list, as documented."""

    def _serialize(self, value, attr, obj, **kwargs):
        return super()._serialize(value or [], attr, obj, **kwargs)


class ExtensionSchema(ma.Schema):
    from_ = ma.fields.Str(data_key="from", attribute="from", metadata={"description": "The close before."})
    to = ma.fields.Str(metadata={"description": "The close after (ISO 8601, UTC)."})
    reason = ma.fields.Str()
    by = ma.fields.Str(metadata={"description": "The steward who extended it."})
    at = ma.fields.Str()


class VoteSchema(ma.Schema):
    id = ma.fields.Int()
    proposal = ma.fields.Nested(ProposalRefSchema)
    method = ma.fields.Enum(Method, by_value=True)
    options = ma.fields.List(ma.fields.Nested(OptionSchema))
    seats = ma.fields.Function(lambda v: v.rules().seats)
    opens_at = ma.fields.AwareDateTime()
    closes_at = ma.fields.AwareDateTime()
    time_zone = ma.fields.Str(metadata={"description": "The zone the steward entered the times in."})
    quorum_percent = ma.fields.Int(allow_none=True)
    quorum_by = ma.fields.Enum(QuorumBy, by_value=True)
    threshold = ma.fields.Enum(ThresholdKind, by_value=True)
    base = ma.fields.Enum(Base, by_value=True)
    secrecy = ma.fields.Enum(Secrecy, by_value=True)
    results_shown = ma.fields.Enum(ResultsShown, by_value=True)
    tie_rule = ma.fields.Function(lambda v: v.tie_rule.describe())
    weighting = ma.fields.Enum(Weighting, by_value=True)
    revision = ma.fields.Function(lambda v: v.revision.number if v.revision else None)
    electorate = ma.fields.List(ma.fields.Nested(ElectorSchema), attribute="electors")
    is_closed = ma.fields.Bool()
    closed_at = ma.fields.AwareDateTime(allow_none=True)
    counted_at = ma.fields.AwareDateTime(allow_none=True)
    outcome = ma.fields.Str(allow_none=True)
    sentence = ma.fields.Function(lambda v: (v.result or {}).get("sentence"), allow_none=True)
    extensions = _ListOrEmpty(
        ma.fields.Nested(ExtensionSchema),
        metadata={"description": "Each extension of the close, earliest first, with its reason."},
    )
    reminded_at = ma.fields.AwareDateTime(
        allow_none=True, metadata={"description": "When a steward last reminded the co-ops still to vote."}
    )
    outcome_statement = ma.fields.Str(allow_none=True)
    outcome_written_at = ma.fields.AwareDateTime(allow_none=True)


class BallotInSchema(ma.Schema):
    coop = ma.fields.Str(
        required=True, metadata={"description": "The slug of the co-op whose ballot this is."}
    )
    choice = ma.fields.Raw(
        required=True,
        metadata={
            "description": "consent: agree|abstain|disagree|block; yes_no: yes|no|abstain; "
            "irv/stv/meek: option keys in order of preference; approval: option keys; "
            "score: {option key: whole score from 0 to the vote's score_max}."
        },
    )
    reason = ma.fields.Str(
        load_default=None,
        allow_none=True,
        validate=validate.Length(max=1000),
        metadata={
            "description": "Why the co-op answers so; required for disagree and block in consent votes."
        },
    )


class BallotSchema(ma.Schema):
    id = ma.fields.Int()
    coop = ma.fields.Nested(Ref)
    cast_by = ma.fields.Nested(PersonRefSchema, allow_none=True)
    via_proxy = ma.fields.Nested(Ref, attribute="proxy_coop", allow_none=True)
    revision = ma.fields.Function(lambda b: b.revision.number if b.revision else None)
    cast_at = ma.fields.AwareDateTime()
    is_current = ma.fields.Bool()
    replaced_at = ma.fields.AwareDateTime(allow_none=True)
    choice = ma.fields.Raw()
    reason = ma.fields.Str(allow_none=True)
    receipt = ma.fields.Str(
        metadata={"description": "SHA-256 over the vote, the co-op, the choice and a nonce."}
    )


class ProxyInSchema(ma.Schema):
    coop = ma.fields.Str(required=True, metadata={"description": "Slug of the co-op naming its proxy."})
    proxy = ma.fields.Str(
        required=True, metadata={"description": "Slug of the co-op that will cast its ballot."}
    )


class ProxySchema(ma.Schema):
    id = ma.fields.Int()
    coop = ma.fields.Nested(Ref)
    proxy = ma.fields.Nested(Ref, attribute="proxy_coop")
    named_by = ma.fields.Nested(PersonRefSchema, allow_none=True)
    named_at = ma.fields.AwareDateTime()
    is_active = ma.fields.Bool()
    ended_at = ma.fields.AwareDateTime(allow_none=True)
    end_reason = ma.fields.Enum(ProxyEnd, by_value=True, allow_none=True)


class ParticipantSchema(ma.Schema):
    coop = ma.fields.Nested(Ref)
    weight = ma.fields.Int()
    has_voted = ma.fields.Bool()
    cast_at = ma.fields.Function(lambda r: r.ballot.cast_at.isoformat() if r.ballot else None)
    via_proxy = ma.fields.Nested(Ref, attribute="via", allow_none=True)
    proxy = ma.fields.Function(
        lambda r: r.proxy.proxy_coop.slug if r.proxy else None,
        metadata={"description": "The co-op it has named as proxy now, if any."},
    )


class ReceiptsSchema(ma.Schema):
    count = ma.fields.Int()
    receipts = ma.fields.List(ma.fields.Str())


class ReceiptCheckSchema(ma.Schema):
    receipt = ma.fields.Str()
    is_found = ma.fields.Bool()
    is_counted = ma.fields.Bool()
    is_intact = ma.fields.Bool(metadata={"description": "The stored ballot still hashes to this receipt."})
    message = ma.fields.Str()
    coop = ma.fields.Function(
        lambda c: c.coop.slug if c.coop else None,
        metadata={"description": "Only for those who may see the ballot."},
    )
    cast_at = ma.fields.AwareDateTime(
        allow_none=True, metadata={"description": "Only for those who may see it."}
    )
    content = ma.fields.Str(
        allow_none=True, metadata={"description": "Only for those who may see the ballot."}
    )


class ResultDocumentSchema(ma.Schema):
    vote = ma.fields.Dict()
    electorate = ma.fields.Dict()
    participation = ma.fields.List(ma.fields.Dict())
    proxies = ma.fields.List(ma.fields.Dict())
    receipts = ma.fields.List(ma.fields.Str(), allow_none=True)
    result = ma.fields.Dict(
        allow_none=True,
        metadata={
            "description": "The count, as the counting engine explains it: outcome, sentence, counts, base, threshold, "
            "quorum, rounds, tie rule; null while results are hidden until the close."
        },
    )


class VoteExtendInSchema(ma.Schema):
    closes_at = ma.fields.AwareDateTime(
        required=True, metadata={"description": "The new close: later than the current one."}
    )
    reason = ma.fields.Str(
        required=True,
        validate=validate.Length(max=REASON_MAX),
        metadata={"description": "Why, told to every co-op of the electorate."},
    )


class OutcomeInSchema(ma.Schema):
    statement = ma.fields.Str(
        required=True,
        validate=validate.Length(max=OUTCOME_MAX),
        metadata={"description": "What was decided and what happens next (Markdown)."},
    )


class ReminderSchema(ma.Schema):
    reminded = ma.fields.List(
        ma.fields.Nested(Ref), metadata={"description": "The co-ops told, those with no current ballot."}
    )
    reminded_at = ma.fields.AwareDateTime()
    next_at = ma.fields.AwareDateTime(metadata={"description": "When the next reminder may go."})
