"""Pages of meetings: the list, proposing one, suggesting times, the answer board, confirming, notes."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import load_only

from governance.errors import DomainError, InvalidInput
from governance.extensions import db
from governance.forms import EmptyForm, choices, show_refusal
from governance.meetings import permissions, service
from governance.meetings.board import board
from governance.meetings.forms import HoursForm, MeetingForm, NotesForm, parse_slots
from governance.meetings.models import Meeting, MeetingSlot, MeetingState, places_of, working_hours
from governance.meetings.slots import Answer, local_times, suggest
from governance.models import Coop, Network
from governance.notifications.calendar import calendar
from governance.templating import viewer_zone
from governance.texts import _
from governance.timezones import to_zone
from governance.types import utcnow

bp = Blueprint("meetings", __name__, url_prefix="/meetings")


@bp.before_request
@login_required
def _signed_in() -> None:
    """Every page here is for signed-in people."""


def _meeting(meeting_id: int) -> Meeting:
    return service.get_visible(current_user, meeting_id)


@bp.get("/")
def index():
    meetings = service.visible_meetings(current_user)
    return render_template("meetings/list.html", meetings=meetings, now=utcnow())


def _proposable_networks() -> list[Network]:
    rows = db.session.scalars(select(Network).order_by(Network.name)).all()
    return [n for n in rows if permissions.can_propose_to(current_user, n)]


PROPOSALS_OFFERED = 200  # the proposals a meeting may be about: the ones the proposer can see, latest first


def _visible_proposals():
    """The proposals the proposer can see, chosen by the database (`visible_query`, the rule of
    `can_see`): not the latest of every network's, checked one by one."""
    from proposals.models import Proposal
    from proposals.service import visible_query

    offered = visible_query(current_user).options(load_only(Proposal.id, Proposal.title))
    return db.session.scalars(offered.limit(PROPOSALS_OFFERED)).all()


def _meeting_form(networks, proposals) -> MeetingForm:
    form = MeetingForm()
    form.networks.choices = choices((n.id, n.name) for n in networks)
    form.proposals.choices = choices((p.id, p.title) for p in proposals)
    if request.method == "GET":
        form.networks.data = [n.id for n in networks if n.slug in request.args.getlist("network")]
        zone = viewer_zone()
        picked = [_utc_arg(v) for v in request.args.getlist("slot")]
        form.slots.data = "\n".join(f"{to_zone(m, zone):%Y-%m-%d %H:%M}" for m in picked if m)
    return form


def _utc_arg(raw: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        return None
    return moment if moment.tzinfo else None


@bp.route("/new", methods=["GET", "POST"])
def new():
    networks = _proposable_networks()
    if not networks:
        abort(403, description=_("Only stewards, and delegates of a network's co-ops, propose meetings."))
    proposals = _visible_proposals()
    form = _meeting_form(networks, proposals)
    status = 200
    if form.validate_on_submit():
        try:
            meeting = service.propose_meeting(
                actor=current_user,
                networks=[n for n in networks if n.id in form.networks.data],
                title=form.title.data,
                topic=form.topic.data,
                agenda=form.agenda.data or "",
                video_url=form.video_url.data or "",
                duration_minutes=form.duration_minutes.data,
                slots=parse_slots(form.slots.data, viewer_zone()),
                proposals=[p for p in proposals if p.id in (form.proposals.data or [])],
            )
        except DomainError as error:
            db.session.rollback()
            show_refusal(form, error)
            status = int(error.status)
        else:
            db.session.commit()
            flash(_("The meeting is proposed: everyone invited can now answer its times."), "success")
            return redirect(url_for(".show", meeting_id=meeting.id))
    elif request.method == "POST":
        status = 400
    return render_template("meetings/new.html", form=form), status


@bp.get("/suggest")
def suggest_times():
    networks = [n for n in db.session.scalars(select(Network).order_by(Network.name))]
    chosen = [n for n in networks if n.slug in request.args.getlist("network")]
    problems, week, minutes = [], None, 60
    if raw := request.args.get("week"):
        try:
            week = date.fromisoformat(raw)
        except ValueError:
            problems.append(_("The week is a date like 2027-04-05."))
    raw_minutes = request.args.get("minutes", "60")
    if raw_minutes.isascii() and raw_minutes.isdigit() and 15 <= int(raw_minutes) <= 480:
        minutes = int(raw_minutes)
    else:
        problems.append(_("The length is a number of minutes from 15 to 480."))
    coops = sorted({c.id: c for n in chosen for c in n.coops}.values(), key=lambda c: c.name.casefold())
    places = places_of(coops)
    found = []
    if week and coops and not problems:
        found = [
            (s, local_times(s.starts, minutes, places))
            for s in suggest(week, viewer_zone(), places, minutes=minutes)
        ]
    return render_template(
        "meetings/suggest.html",
        networks=networks,
        chosen=chosen,
        week=week or (to_zone(utcnow(), viewer_zone()).date() + timedelta(days=7)),
        minutes=minutes,
        found=found,
        coops=coops,
        problems=problems,
    ), (400 if problems else 200)


def _show(meeting: Meeting, *, status: int = 200, error: DomainError | None = None, notes_form=None):
    return render_template(
        "meetings/show.html",
        meeting=meeting,
        board=board(meeting),
        answering=permissions.answering_coops(current_user, meeting),
        can_run=permissions.can_run(current_user, meeting),
        action_form=EmptyForm(formdata=None),
        error=error,
        Answer=Answer,
        now=utcnow(),
        current=_current_answers(meeting),
        MeetingState=MeetingState,
    ), status


def _current_answers(meeting: Meeting) -> dict:
    """(co-op id or None, slot id) -> the answer already given, so the forms start from it."""
    found = {}
    for slot in meeting.slots:
        for a in slot.coop_answers:
            found[(a.coop_id, slot.id)] = a.answer.value
        for p in slot.person_answers:
            if p.person_id == current_user.id:
                found[(None, slot.id)] = p.answer.value
    return found


@bp.get("/<int:meeting_id>")
def show(meeting_id: int):
    return _show(_meeting(meeting_id))


@bp.post("/<int:meeting_id>/answers")
def answer(meeting_id: int):
    meeting = _meeting(meeting_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    coop = None
    if raw := request.form.get("coop"):
        coop = db.session.get(Coop, int(raw)) if raw.isascii() and raw.isdigit() and len(raw) < 10 else None
        if coop is None:
            abort(400, description=_("Choose a co-op."))
    answers = {}
    for key, value in request.form.items():
        if key.startswith("slot-") and key[5:].isascii() and key[5:].isdigit() and len(key) < 15 and value:
            answers[int(key[5:])] = value
    try:
        service.answer_slots(meeting, actor=current_user, answers=answers, coop=coop)
    except DomainError as error:
        db.session.rollback()
        return _show(_meeting(meeting_id), status=int(error.status), error=error)
    db.session.commit()
    if coop is not None:
        flash(_("%(coop)s's answers are saved.", coop=coop.name), "success")
    else:
        flash(_("Your answers are saved."), "success")
    return redirect(url_for(".show", meeting_id=meeting.id))


@bp.post("/<int:meeting_id>/confirm")
def confirm(meeting_id: int):
    meeting = _meeting(meeting_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    raw = request.form.get("slot", "")
    slot = (
        db.session.get(MeetingSlot, int(raw)) if raw.isascii() and raw.isdigit() and len(raw) < 10 else None
    )
    try:
        if slot is None:
            raise InvalidInput(_("Choose one of the meeting's candidate times."))
        service.confirm_meeting(meeting, actor=current_user, slot=slot)
    except DomainError as error:
        db.session.rollback()
        return _show(_meeting(meeting_id), status=int(error.status), error=error)
    db.session.commit()
    flash(
        _("The meeting is confirmed: everyone invited gets the invitation with a calendar file."), "success"
    )
    return redirect(url_for(".show", meeting_id=meeting.id))


@bp.post("/<int:meeting_id>/cancel")
def cancel(meeting_id: int):
    meeting = _meeting(meeting_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        service.cancel_meeting(meeting, actor=current_user)
    except DomainError as error:
        db.session.rollback()
        return _show(_meeting(meeting_id), status=int(error.status), error=error)
    db.session.commit()
    flash(_("The meeting is cancelled."), "success")
    return redirect(url_for(".show", meeting_id=meeting.id))


@bp.route("/<int:meeting_id>/notes", methods=["GET", "POST"])
def notes(meeting_id: int):
    meeting = _meeting(meeting_id)
    permissions.require_run(current_user, meeting)
    form = NotesForm(obj=meeting if request.method == "GET" else None)
    proposals = _visible_proposals()
    form.moved.choices = choices((p.id, p.title) for p in proposals)
    if request.method == "GET":
        form.moved.data = [p.id for p in meeting.moved_proposals] or [p.id for p in meeting.agenda_proposals]
    status = 200
    if form.validate_on_submit():
        try:
            service.record_notes(
                meeting,
                actor=current_user,
                notes=form.notes.data,
                decisions=form.decisions.data or "",
                moved=[p for p in proposals if p.id in (form.moved.data or [])],
            )
        except DomainError as error:
            db.session.rollback()
            show_refusal(form, error)
            status = int(error.status)
        else:
            db.session.commit()
            flash(_("The notes and decisions are recorded."), "success")
            return redirect(url_for(".show", meeting_id=meeting.id))
    elif request.method == "POST":
        status = 400
    return render_template("meetings/notes.html", meeting=meeting, form=form), status


@bp.get("/<int:meeting_id>/calendar.ics")
def ics(meeting_id: int):
    """Add to calendar: the confirmed meeting as one .ics file, in the reader's zone."""
    from governance.meetings.calendar import entry

    meeting = _meeting(meeting_id)
    if meeting.starts_at is None:
        abort(404, description=_("The meeting has no confirmed time yet."))
    body = calendar([entry(meeting)], zone=viewer_zone(), name=meeting.title)
    return Response(
        body,
        mimetype="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="meeting-{meeting.id}.ics"'},
    )


@bp.route("/hours/<slug>", methods=["GET", "POST"])
def hours(slug: str):
    coop = db.session.scalar(select(Coop).where(Coop.slug == slug)) or abort(404)
    if not permissions.can_set_hours(current_user, coop):
        abort(
            403,
            description=_(
                "Only %(coop)s's delegates, or its networks' admins, set its hours.", coop=coop.name
            ),
        )
    current = working_hours(coop)
    form = HoursForm(data={"start_hour": current.start_hour, "end_hour": current.end_hour})
    status = 200
    if form.validate_on_submit():
        try:
            service.set_working_hours(
                coop, actor=current_user, start_hour=form.start_hour.data, end_hour=form.end_hour.data
            )
        except DomainError as error:
            db.session.rollback()
            show_refusal(form, error)
            status = int(error.status)
        else:
            db.session.commit()
            flash(_("%(coop)s's working hours are saved.", coop=coop.name), "success")
            return redirect(url_for(".hours", slug=coop.slug))
    elif request.method == "POST":
        status = 400
    return render_template("meetings/hours.html", coop=coop, form=form, current=current), status


def waiting(person, limit: int) -> tuple[list[dict], int]:
    """For the home page: meetings whose times this person, or a co-op they speak for, has not answered,
    soonest first slot first (the first `limit`), and how many: a person is asked about few at a time."""
    items = []
    for meeting, coop in service.pending_for(person):
        first = min(s.starts_at for s in meeting.slots if s.starts_at > utcnow())
        if coop is not None:
            text = _(
                "%(coop)s's answer to the meeting's times: %(title)s",
                coop=coop.name,
                title=meeting.title,
            )
        else:
            text = _("Your answer to the meeting's times: %(title)s", title=meeting.title)
        items.append(
            {
                "text": text,
                "url": url_for("meetings.show", meeting_id=meeting.id),
                "due_at": first,
            }
        )
    items.sort(key=lambda item: item["due_at"])
    return items[:limit], len(items)
