"""Marshmallow schemas of the agreements API (they are also its OpenAPI document)."""

import marshmallow as ma
from marshmallow import validate

from governance.agreements.models import TaskState, VersionState
from governance.agreements.service import NAME_MAX
from governance.schemas import Ref


class SignatureSchema(ma.Schema):
    id = ma.fields.Int(dump_only=True)
    coop = ma.fields.Nested(Ref, dump_only=True)
    typed_name = ma.fields.Str(dump_only=True)
    consent_text = ma.fields.Str(dump_only=True)
    signed_at = ma.fields.AwareDateTime(dump_only=True)


class PartySchema(ma.Schema):
    coop = ma.fields.Nested(Ref, dump_only=True)
    has_signed = ma.fields.Bool(dump_only=True)


class VersionSchema(ma.Schema):
    number = ma.fields.Int(dump_only=True)
    state = ma.fields.Enum(VersionState, by_value=True, dump_only=True)
    terms_sha256 = ma.fields.Str(dump_only=True)
    note = ma.fields.Str(dump_only=True)
    created_at = ma.fields.AwareDateTime(dump_only=True)
    draft_state = ma.fields.Enum(TaskState, by_value=True, dump_only=True)
    issue_state = ma.fields.Enum(TaskState, by_value=True, dump_only=True, allow_none=True)
    issued_at = ma.fields.AwareDateTime(dump_only=True, allow_none=True)
    final_sha256 = ma.fields.Str(dump_only=True, allow_none=True)
    data_sha256 = ma.fields.Str(dump_only=True, allow_none=True)
    audit_seq = ma.fields.Int(dump_only=True, allow_none=True)
    audit_hash = ma.fields.Str(dump_only=True, allow_none=True)
    superseded_at = ma.fields.AwareDateTime(dump_only=True, allow_none=True)
    parties = ma.fields.Method("_parties", dump_only=True)
    signatures = ma.fields.List(ma.fields.Nested(SignatureSchema), dump_only=True)

    def _parties(self, version):
        signed = {s.coop_id for s in version.signatures}
        return [{"coop": Ref().dump(c.coop), "has_signed": c.coop_id in signed} for c in version.counterparts]


class AgreementSchema(ma.Schema):
    id = ma.fields.Int(dump_only=True)
    proposal_id = ma.fields.Int(dump_only=True)
    campaign_id = ma.fields.Int(dump_only=True, allow_none=True)
    created_at = ma.fields.AwareDateTime(dump_only=True)
    versions = ma.fields.List(ma.fields.Nested(VersionSchema), dump_only=True)


class SignInSchema(ma.Schema):
    coop = ma.fields.Str(
        required=True, validate=validate.Length(min=1, max=64), metadata={"description": "The co-op's slug."}
    )
    typed_name = ma.fields.Str(required=True, validate=validate.Length(max=NAME_MAX + 100))
    consent = ma.fields.Bool(
        required=True,
        metadata={"description": "True: the delegate consents to the version's consent text (see the page)."},
    )
