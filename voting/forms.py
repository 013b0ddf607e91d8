"""Forms of the vote pages (Flask-WTF: CSRF and shape; `voting.service` does the real checking)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from babel.numbers import format_decimal
from babel.support import LazyProxy
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import DateTimeLocalField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from governance.errors import InvalidBallot, InvalidInput
from governance.forms import choices
from governance.texts import _, _l, current_locale
from governance.timezones import DEFAULT_ZONE, is_valid_zone
from voting.counting import Base, Method, QuorumBy, TieKind, YesNoChoice, YesNoTie
from voting.counting.model import RANKED_METHODS
from voting.models import (
    METHOD_LABELS,
    RESULTS_SHOWN_LABELS,
    SECRECY_LABELS,
    THRESHOLD_NAMES,
    WEIGHTING_LABELS,
    ResultsShown,
    Secrecy,
    ThresholdKind,
    Vote,
    Weighting,
)
from voting.sentences import said
from voting.service import WEIGHT_MAX, VoteSettings

LOCAL_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]
BASE_LABELS = {
    Base.CAST: _l("Votes cast (yes + no)"),
    Base.CAST_WITH_ABSTENTIONS: _l("Votes cast including abstentions"),
    Base.ELECTORATE: _l("The whole electorate"),
}
TIE_LABELS = {
    TieKind.EARLIER_ROUNDS_THEN_RANDOM: _l(
        "Earlier rounds first, then a draw fixed by a seed printed with the result"
    ),
    TieKind.CASTING: _l("Earlier rounds first, then a casting order set now"),
}
YES_NO_TIE_LABELS = {
    "": _l("Default: exactly on a 'more than' threshold fails, on an 'at least' threshold passes"),
    YesNoTie.FAIL: _l("Fails"),
    YesNoTie.PASS: _l("Passes"),
    YesNoTie.CASTING: _l("A casting decision, recorded now"),
}


def _threshold_label(kind: ThresholdKind):
    """'Two thirds (at least 2/3)', in the reader's language when the form is shown."""
    rule = LazyProxy(said, kind.threshold.describe(), enable_cache=False)
    return _l("%(name)s (%(rule)s)", name=_l(THRESHOLD_NAMES[kind.value]), rule=rule)


def _written(moment: datetime) -> str:
    """A wall-clock time as typed, in the reader's language: '4 abr 2026 17:00'."""
    return format_datetime(moment, "d MMM y HH:mm", locale=current_locale())


DIGITS_MAX = 9  # every whole number these forms take (ids, weights, scores) fits in nine digits


def whole_number(raw: str | None) -> int | None:
    """A whole number as typed in a form, or None: only ASCII digits count ("²" and "٣" are digits to
    str.isdigit but not to int), and at most nine of them, so int() never overflows or meets a huge string."""
    raw = (raw or "").strip()
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= DIGITS_MAX else None


def local_to_utc(moment: datetime | None, zone: str, field_name: str) -> datetime | None:
    """A wall-clock time in `zone` as aware UTC; a time the clocks skip is refused, a repeated one is the first."""
    if moment is None:
        return None
    tz = ZoneInfo(zone if is_valid_zone(zone) else DEFAULT_ZONE)
    aware = moment.replace(tzinfo=tz)
    try:
        in_utc = aware.astimezone(UTC)
        is_real = in_utc.astimezone(tz).replace(tzinfo=None) == moment
    except OverflowError:  # the calendar's first or last hours have no UTC form
        message = _(
            "%(moment)s is out of range: give a time within the next ten years.", moment=_written(moment)
        )
        raise InvalidInput(message, errors={field_name: [message]}) from None
    if not is_real:
        message = _(
            "%(moment)s does not exist in %(zone)s: the clocks change then.",
            moment=_written(moment),
            zone=zone,
        )
        raise InvalidInput(message, errors={field_name: [message]})
    return in_utc


class OpenVoteForm(FlaskForm):
    method = SelectField(
        _l("How co-ops answer"), choices=choices((m.value, _l(label)) for m, label in METHOD_LABELS.items())
    )
    options = TextAreaField(
        _l("Options, one a line (for ranked, approval and score votes)"),
        validators=[Optional(), Length(max=10_000)],
    )
    seats = IntegerField(
        _l("Seats or places to fill"), default=1, validators=[Optional(), NumberRange(min=1, max=50)]
    )
    opens_at = DateTimeLocalField(_l("Opens at (empty: now)"), format=LOCAL_FORMATS, validators=[Optional()])
    closes_at = DateTimeLocalField(
        _l("Closes at"),
        format=LOCAL_FORMATS,
        validators=[DataRequired(message=_l("Say when the vote closes."))],
    )
    quorum_percent = IntegerField(
        _l("Quorum: share of the electorate that must take part, in % (empty: none)"),
        validators=[Optional(), NumberRange(min=1, max=100)],
    )
    quorum_by = SelectField(
        _l("Quorum counted by"),
        choices=choices([(QuorumBy.COUNT.value, _l("Co-ops")), (QuorumBy.WEIGHT.value, _l("Weight"))]),
        default=QuorumBy.COUNT.value,
    )
    threshold = SelectField(
        _l("Threshold to pass"),
        choices=choices((t.value, _threshold_label(t)) for t in ThresholdKind),
        default=ThresholdKind.MAJORITY.value,
    )
    base = SelectField(
        _l("Share of"),
        choices=choices((b.value, label) for b, label in BASE_LABELS.items()),
        default=Base.CAST.value,
    )
    secrecy = SelectField(
        _l("Secrecy"),
        choices=choices((s.value, _l(SECRECY_LABELS[s.value])) for s in Secrecy),
        default=Secrecy.OPEN.value,
    )
    results_shown = SelectField(
        _l("Results show"),
        choices=choices((r.value, _l(RESULTS_SHOWN_LABELS[r.value])) for r in ResultsShown),
        default=ResultsShown.AFTER_CLOSE.value,
    )
    tie_kind = SelectField(
        _l("Ties between options"),
        choices=choices((t.value, label) for t, label in TIE_LABELS.items()),
        default=TieKind.EARLIER_ROUNDS_THEN_RANDOM.value,
    )
    casting_order = TextAreaField(
        _l("Casting order, most preferred first, one a line (with a casting order)"),
        validators=[Optional(), Length(max=10_000)],
    )
    yes_no_tie = SelectField(
        _l("A yes/no vote exactly on its threshold"),
        choices=choices((str(k), label) for k, label in YES_NO_TIE_LABELS.items()),
        default="",
    )
    yes_no_casting = SelectField(
        _l("Casting decision"),
        choices=choices([("", "—"), (YesNoChoice.YES.value, _l("Yes")), (YesNoChoice.NO.value, _l("No"))]),
        default="",
    )
    score_max = IntegerField(
        _l("Highest score (score votes)"), default=5, validators=[Optional(), NumberRange(1, 100)]
    )
    weighting = SelectField(
        _l("Weights"),
        choices=choices((w.value, _l(WEIGHTING_LABELS[w.value])) for w in Weighting),
        default=Weighting.EQUAL.value,
    )

    def settings(self, zone: str, weights: dict[str, int]) -> VoteSettings:
        return VoteSettings(
            method=self.method.data,
            options=_lines(self.options.data),
            seats=self.seats.data or 1,
            opens_at=local_to_utc(self.opens_at.data, zone, "opens_at"),
            closes_at=local_to_utc(self.closes_at.data, zone, "closes_at"),
            quorum_percent=self.quorum_percent.data,
            quorum_by=self.quorum_by.data,
            threshold=self.threshold.data,
            base=self.base.data,
            secrecy=self.secrecy.data,
            results_shown=self.results_shown.data,
            tie_kind=self.tie_kind.data,
            casting_order=_lines(self.casting_order.data),
            yes_no_tie=self.yes_no_tie.data or None,
            yes_no_casting=self.yes_no_casting.data or None,
            score_max=self.score_max.data or 5,
            weighting=self.weighting.data,
            weights=weights,
            time_zone=zone,
        )


# Opening a vote is method first: each method's form shows only the fields it uses (the rest keep their
# defaults: quorum off, a simple majority of the votes cast, open, results after the close, one each).
COMMON_FIELDS = (
    "opens_at",
    "closes_at",
    "quorum_percent",
    "quorum_by",
    "secrecy",
    "results_shown",
    "weighting",
)
TIE_FIELDS = ("tie_kind", "casting_order")
METHOD_FIELDS: dict[Method, tuple[str, ...]] = {
    Method.CONSENT: ("base",),
    Method.YES_NO: ("threshold", "base", "yes_no_tie", "yes_no_casting"),
    Method.IRV: ("options", *TIE_FIELDS),
    Method.STV: ("options", "seats", *TIE_FIELDS),
    Method.MEEK: ("options", "seats", *TIE_FIELDS),
    Method.APPROVAL: ("options", "seats", *TIE_FIELDS),
    Method.SCORE: ("options", "seats", "score_max", *TIE_FIELDS),
}
METHOD_HINTS = {
    Method.CONSENT: _l(
        "Co-ops agree, abstain, disagree or block; one block stops it. Disagree and block need a reason."
    ),
    Method.YES_NO: _l("Co-ops answer yes, no or abstain; it passes above a threshold you set."),
    Method.IRV: _l("Co-ops rank options; the least supported is dropped until one has a majority."),
    Method.STV: _l("Co-ops rank options to fill several seats (Scottish rules)."),
    Method.MEEK: _l("Co-ops rank options to fill several seats (Meek's method)."),
    Method.APPROVAL: _l("Co-ops approve every option they can accept; the most approved are chosen."),
    Method.SCORE: _l("Co-ops score each option; the highest mean scores are chosen."),
}
CLOSE_AFTER_DAYS, CLOSE_AT_HOUR = 7, 17


def fields_for(method: Method | str | None) -> tuple[str, ...]:
    """The fields the open-vote form shows for a method, in order."""
    if method not in Method._value2member_map_:
        return ()
    return (*METHOD_FIELDS[Method(method)], *COMMON_FIELDS)


def default_close(zone: str, now: datetime) -> datetime:
    """Seven days from now at 17:00 on the steward's clock, as the wall-clock time the form shows."""
    tz = ZoneInfo(zone if is_valid_zone(zone) else DEFAULT_ZONE)
    day = now.astimezone(tz) + timedelta(days=CLOSE_AFTER_DAYS)
    return day.replace(hour=CLOSE_AT_HOUR, minute=0, second=0, microsecond=0, tzinfo=None)


def preview_options(text: str | None) -> list[dict[str, str]]:
    """The typed options as the ballot preview lists them (keys are only for the preview's inputs)."""
    return [{"key": f"option-{i}", "name": name} for i, name in enumerate(_lines(text), 1)]


def _lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def weights_from(form: MultiDict, coops) -> dict[str, int]:
    """Admin-set weights from inputs named weight-<co-op slug>; a non-number is named, not dropped."""
    weights = {}
    for coop in coops:
        raw = (form.get(f"weight-{coop.slug}") or "").strip()
        if not raw:
            continue
        weight = whole_number(raw)
        if weight is None:
            message = _(
                "Give %(coop)s a whole-number weight from 1 to %(max)s.",
                coop=coop.name,
                max=format_decimal(WEIGHT_MAX, locale=current_locale()),
            )
            raise InvalidInput(message, errors={"weights": [message]})
        weights[coop.slug] = weight
    return weights


class CastForm(FlaskForm):
    """The co-op whose ballot is cast; the answer itself comes from method-specific inputs."""

    coop = SelectField(_l("Ballot of"), coerce=int, validators=[InputRequired()])


def choice_from(form: MultiDict, vote: Vote):
    """The ballot as the page's inputs give it: an answer, ranks in order, approvals, or scores."""
    if vote.method in (Method.CONSENT, Method.YES_NO):
        return form.get("choice", "")
    if vote.method in RANKED_METHODS:
        return [key for key in form.getlist("rank") if key]
    if vote.method == Method.APPROVAL:
        return form.getlist("approve")
    scores = {}
    for option in vote.options:
        raw = (form.get(f"score-{option['key']}") or "").strip()
        if raw:
            score = whole_number(raw)
            if score is None:
                message = _(
                    "Give %(option)s a whole-number score from 0 to %(max)s.",
                    option=option["name"],
                    max=vote.score_max,
                )
                raise InvalidBallot(message, errors={"choice": [message]})
            scores[option["key"]] = score
    return scores


class ProxyForm(FlaskForm):
    coop = SelectField(_l("Our co-op"), coerce=int, validators=[InputRequired()])
    proxy = SelectField(_l("Lets this co-op cast its ballot"), coerce=int, validators=[InputRequired()])


class EmptyForm(FlaskForm):
    pass


class ReceiptForm(FlaskForm):
    class Meta:
        csrf = False  # a read: checking a receipt changes nothing

    receipt = StringField(
        _l("Your receipt"), validators=[DataRequired(message=_l("Paste a receipt.")), Length(max=200)]
    )


class ExtendForm(FlaskForm):
    closes_at = DateTimeLocalField(
        _l("New close"),
        format=LOCAL_FORMATS,
        validators=[DataRequired(message=_l("Say when the vote now closes."))],
    )
    reason = StringField(
        _l("Why (told to every co-op)"),
        validators=[DataRequired(message=_l("Say why the vote is extended.")), Length(max=500)],
    )


class OutcomeForm(FlaskForm):
    statement = TextAreaField(
        _l("What was decided, and what happens next"),
        validators=[DataRequired(message=_l("Write the outcome first.")), Length(max=10_000)],
    )
