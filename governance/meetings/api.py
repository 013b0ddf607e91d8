"""The meetings API under /api/v1 (authenticated by governance.api, errors mapped by error_handlers)."""

from __future__ import annotations

from flask_login import current_user
from flask_smorest import Blueprint

from governance.api import by_slug
from governance.extensions import db
from governance.meetings import service
from governance.meetings.board import board
from governance.meetings.schemas import AnsweredSchema, AnswersInSchema, MeetingSchema
from governance.models import Coop

blp = Blueprint(
    "meetings_api", __name__, url_prefix="/api/v1", description="Meetings: candidate times and answers"
)


def document(meeting) -> dict:
    shown = board(meeting)
    return {
        **{k: getattr(meeting, k) for k in ("id", "title", "topic", "state", "agenda", "video_url")},
        "duration_minutes": meeting.duration_minutes,
        "networks": [n.slug for n in meeting.networks],
        "starts_at": meeting.starts_at,
        "notes": meeting.notes,
        "decisions": meeting.decisions,
        "not_answered": shown.not_answered,
        "slots": [
            {
                "id": row.slot.id,
                "starts_at": row.slot.starts_at,
                "is_confirmed": row.slot.is_confirmed,
                "is_best": row.is_best,
                "local_times": [
                    {
                        "coop": p.place.name,
                        "local_time": p.starts.isoformat(),
                        "is_working_time": p.is_working_time,
                    }
                    for p in row.places
                ],
                "yes": list(row.tally.yes),
                "if_need_be": list(row.tally.if_need_be),
                "no": list(row.tally.no),
                "waiting": list(row.tally.waiting),
            }
            for row in shown.rows
        ],
    }


@blp.route("/meetings")
@blp.response(200, MeetingSchema(many=True))
def list_meetings():
    """The meetings of the caller's networks, newest first."""
    return [document(m) for m in service.visible_meetings(current_user)]


@blp.route("/meetings/<int:meeting_id>")
@blp.response(200, MeetingSchema)
def get_meeting(meeting_id):
    """A meeting with every candidate time at each invited co-op's clock, and who has answered what."""
    return document(service.get_visible(current_user, meeting_id))


@blp.route("/meetings/<int:meeting_id>/answers", methods=["POST"])
@blp.arguments(AnswersInSchema)
@blp.response(200, AnsweredSchema)
@blp.alt_response(409, description="The meeting is confirmed or cancelled: answers are closed.")
def answer(data, meeting_id):
    """Answer candidate times: for a co-op (its delegates), or for yourself; a later answer replaces one."""
    meeting = service.get_visible(current_user, meeting_id)
    coop = by_slug(Coop, data["coop"]) if data.get("coop") else None
    answered = service.answer_slots(
        meeting, actor=current_user, coop=coop, answers={a["slot"]: a["answer"] for a in data["answers"]}
    )
    db.session.commit()
    return {"answered": answered}
