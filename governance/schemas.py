"""Marshmallow schemas of the foundation's API (they are also its OpenAPI document)."""

import marshmallow as ma
from marshmallow import validate

from governance.models import CoopRole, NetworkRoleKind
from governance.texts import _, _l
from governance.timezones import is_valid_zone


def _zone(value: str) -> None:
    if not is_valid_zone(value):
        raise ma.ValidationError(_("Unknown time zone: use an IANA name such as Europe/London."))


_http_url = validate.URL(schemes={"http", "https"}, error=_l("An http:// or https:// address."))


def _website(value: str) -> None:
    if value:
        _http_url(value)


class Ref(ma.Schema):
    id = ma.fields.Int(dump_only=True)
    slug = ma.fields.Str(dump_only=True)
    name = ma.fields.Str(dump_only=True)


class PersonRefSchema(ma.Schema):
    id = ma.fields.Int(dump_only=True)
    name = ma.fields.Str(dump_only=True)


class NetworkSchema(ma.Schema):
    id = ma.fields.Int(dump_only=True)
    slug = ma.fields.Str(dump_only=True)
    name = ma.fields.Str(required=True, validate=validate.Length(min=1, max=200))
    description = ma.fields.Str(load_default="", validate=validate.Length(max=2000))
    created_at = ma.fields.AwareDateTime(dump_only=True)
    coops = ma.fields.List(ma.fields.Nested(Ref), dump_only=True)
    stewards = ma.fields.Method("_stewards", dump_only=True)
    admins = ma.fields.Method("_admins", dump_only=True)

    def _stewards(self, network):
        return PersonRefSchema(many=True).dump(network.people_with(NetworkRoleKind.STEWARD))

    def _admins(self, network):
        return PersonRefSchema(many=True).dump(network.people_with(NetworkRoleKind.ADMIN))


class NetworkSummarySchema(NetworkSchema):
    """A network in a list: its co-ops, a thousand in a large one, are a list of their own."""

    class Meta:
        exclude = ("coops",)


class CoopSchema(ma.Schema):
    id = ma.fields.Int(dump_only=True)
    slug = ma.fields.Str(dump_only=True)
    name = ma.fields.Str(required=True, validate=validate.Length(min=1, max=200))
    country = ma.fields.Str(
        required=True, validate=validate.Regexp(r"^[A-Za-z]{2}$", error=_l("Two-letter ISO code."))
    )
    city = ma.fields.Str(load_default="", validate=validate.Length(max=120))
    time_zone = ma.fields.Str(required=True, validate=_zone)
    worker_members = ma.fields.Int(load_default=0, validate=validate.Range(min=0, max=1_000_000))
    website = ma.fields.Str(load_default="", validate=_website)
    networks = ma.fields.List(ma.fields.Nested(Ref), dump_only=True)
    delegates = ma.fields.Method("_delegates", dump_only=True)

    def _delegates(self, coop):
        return PersonRefSchema(many=True).dump(coop.delegates)


class MembershipSchema(ma.Schema):
    person = ma.fields.Nested(PersonRefSchema, dump_only=True)
    coop = ma.fields.Nested(Ref, dump_only=True)
    role = ma.fields.Enum(CoopRole, by_value=True, dump_only=True)
    created_at = ma.fields.AwareDateTime(dump_only=True)


class MemberSchema(MembershipSchema):
    email = ma.fields.Method(
        "_email", dump_only=True, metadata={"description": "Only for the co-op's admins."}
    )

    def _email(self, membership):
        from flask_login import current_user

        from governance.permissions import Perm, can

        return membership.person.email if can(current_user, Perm.COOP_ADMIN, membership.coop) else None


class RoleChangeSchema(ma.Schema):
    role = ma.fields.Enum(CoopRole, by_value=True, required=True)


class InvitationInSchema(ma.Schema):
    email = ma.fields.Email(required=True, validate=ma.validate.Length(max=254))
    role = ma.fields.Enum(CoopRole, by_value=True, load_default=CoopRole.MEMBER)


class InvitationSchema(ma.Schema):
    id = ma.fields.Int(dump_only=True)
    email = ma.fields.Str(dump_only=True)
    role = ma.fields.Enum(CoopRole, by_value=True, dump_only=True)
    expires_at = ma.fields.AwareDateTime(dump_only=True)
    link = ma.fields.Str(dump_only=True, metadata={"description": "Shown once; also mailed to the person."})


class AdmissionInSchema(ma.Schema):
    coop = ma.fields.Str(required=True, metadata={"description": "The co-op's slug."})


class NetworkRoleInSchema(ma.Schema):
    email = ma.fields.Email(required=True, validate=ma.validate.Length(max=254))
    role = ma.fields.Enum(NetworkRoleKind, by_value=True, required=True)


class NetworkRoleSchema(ma.Schema):
    person = ma.fields.Nested(PersonRefSchema, dump_only=True)
    role = ma.fields.Enum(NetworkRoleKind, by_value=True, dump_only=True)


class CoopRoleOutSchema(ma.Schema):
    coop = ma.fields.Nested(Ref)
    role = ma.fields.Enum(CoopRole, by_value=True)


class MeSchema(ma.Schema):
    id = ma.fields.Int()
    email = ma.fields.Str()
    name = ma.fields.Str()
    time_zone = ma.fields.Str()
    locale = ma.fields.Str()
    is_superuser = ma.fields.Bool()
    coops = ma.fields.Method("_coops")
    network_roles = ma.fields.Method("_network_roles")

    def _coops(self, person):
        return CoopRoleOutSchema(many=True).dump(person.memberships)

    def _network_roles(self, person):
        return [{"network": Ref().dump(r.network), "role": r.role.value} for r in person.network_roles]
