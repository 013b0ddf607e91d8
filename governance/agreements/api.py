"""The agreements API under /api/v1 (authenticated by governance.api, errors mapped by error_handlers)."""

from __future__ import annotations

from flask import request
from flask_login import current_user
from flask_smorest import Blueprint

from governance.agreements import service
from governance.agreements.schemas import AgreementSchema, SignatureSchema, SignInSchema
from governance.api import by_slug
from governance.extensions import db
from governance.models import Coop

blp = Blueprint("agreements_api", __name__, url_prefix="/api/v1", description="Joint pledge agreements")


@blp.route("/agreements/<int:agreement_id>")
@blp.response(200, AgreementSchema)
def get_agreement(agreement_id):
    """An agreement with its versions, parties, signatures and rendering state."""
    return service.get_agreement(current_user, agreement_id)


@blp.route("/agreements/<int:agreement_id>/versions/<int:number>/signatures", methods=["POST"])
@blp.arguments(SignInSchema)
@blp.response(201, SignatureSchema)
@blp.alt_response(409, description="Already signed for that co-op, superseded, or already issued.")
def sign(data, agreement_id, number):
    """A delegate signs the version for a party co-op: typed full name and explicit consent."""
    version = service.get_version(service.get_agreement(current_user, agreement_id), number)
    signature = service.sign_agreement(
        version,
        actor=current_user,
        coop=by_slug(Coop, data["coop"]),
        typed_name=data["typed_name"],
        consent=data["consent"],
        ip_address=request.remote_addr or "",
        user_agent=request.user_agent.string,
    )
    db.session.commit()
    return signature
