"""Forms of the proposal pages (Flask-WTF; the service does the real checking)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from babel.numbers import format_decimal
from flask_wtf import FlaskForm
from wtforms import (
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from governance.forms import MultiCheckboxField, choices
from governance.texts import N_, _, _l, current_locale
from proposals.lifecycle import Transition
from proposals.models import KIND_LABELS, Kind, Stance
from proposals.money import digits, typed
from proposals.service import BODY_MAX, COMMENT_MAX, NOTE_MAX, SUMMARY_MAX, TITLE_MAX

COUNT = [Optional(), NumberRange(min=0, max=1_000_000)]


MONEY_LIMIT = Decimal(10**11)  # in major units; MONEY_MAX minor units in the service
PLACES_MESSAGES = {
    1: N_("Give at most one decimal place, such as %(example)s."),
    2: N_("Give at most two decimal places, such as %(example)s."),
    3: N_("Give at most three decimal places, such as %(example)s."),
    4: N_("Give at most four decimal places, such as %(example)s."),
}
# The form's own words for the answers to "Is your co-op in?"
STANCE_CHOICES = {
    Stance.INTERESTED: N_("Interested"),
    Stance.NOT_INTERESTED: N_("Not interested"),
    Stance.UNDECIDED: N_("Undecided"),
}


def money(form, field) -> None:
    """An amount such as '1,250.50': finite, not negative, in range, and with no more decimal places than
    the currency has (none for JPY, three for BHD)."""
    if field.data in (None, ""):
        return
    currency = _currency(form)
    places = digits(currency)
    try:
        value = Decimal(str(field.data).replace(",", "").strip())
        # NaN, sNaN and Infinity parse, but compare (or quantize) with an InvalidOperation or never equal.
        is_number = value.is_finite()
        fits = is_number and abs(value) < MONEY_LIMIT and value == value.quantize(Decimal(1).scaleb(-places))
    except InvalidOperation:
        is_number = fits = False
    if not is_number:
        raise ValidationError(_("Give an amount such as 1250 or 1250.50."))
    if value < 0:
        raise ValidationError(_("Give an amount such as 1250 or 1250.50, not negative."))
    if value >= MONEY_LIMIT:
        limit = format_decimal(MONEY_LIMIT, locale=current_locale())
        raise ValidationError(_("Give an amount below %(limit)s.", limit=limit))
    if not fits and places == 0:
        raise ValidationError(
            _("%(currency)s has no minor units: give a whole amount, such as 1250.", currency=currency)
        )
    if not fits:
        example = Decimal(125050).scaleb(-places)
        if places in PLACES_MESSAGES:
            raise ValidationError(_(PLACES_MESSAGES[places], example=example))
        raise ValidationError(
            _("Give at most %(count)s decimal places, such as %(example)s.", count=places, example=example)
        )


def _currency(form) -> str:
    field = getattr(form, "currency", None)
    return str(getattr(field, "data", None) or "").strip().upper()


def to_minor(text: str | None, currency: str | None) -> int | None:
    """'1,250.50' → 125050 (1250 for a currency without minor units, 1250500 for one with three)."""
    if text in (None, ""):
        return None
    value = Decimal(str(text).replace(",", "").strip())
    return int(value.scaleb(digits((currency or "").upper())))


def from_minor(minor: int | None, currency: str | None) -> str:
    if minor is None:
        return ""
    places = digits((currency or "").upper())
    return str(Decimal(minor).scaleb(-places).quantize(Decimal(1).scaleb(-places)))


class ProposalForm(FlaskForm):
    title = StringField(
        _l("Title"), validators=[DataRequired(message=_l("A title is required.")), Length(max=TITLE_MAX)]
    )
    kind = SelectField(_l("Kind"), choices=choices((k.value, _l(KIND_LABELS[k])) for k in Kind))
    networks = MultiCheckboxField(_l("Addressed to the co-ops of"), coerce=str, validate_choice=False)
    summary = TextAreaField(_l("Summary"), validators=[Optional(), Length(max=SUMMARY_MAX)])
    body = TextAreaField(_l("Body (Markdown)"), validators=[Optional(), Length(max=BODY_MAX)])
    monthly_revenue = StringField(_l("Current monthly revenue"), filters=[typed], validators=[money])
    monthly_costs = StringField(_l("Current monthly costs"), filters=[typed], validators=[money])
    currency = StringField(
        _l("Currency (ISO 4217 code, e.g. GBP, USD, ARS)"), validators=[Optional(), Length(min=3, max=3)]
    )
    hours_per_month = IntegerField(_l("Capacity needed (hours a month)"), validators=COUNT)
    seats = IntegerField(_l("Seats"), validators=COUNT)
    term_months = IntegerField(_l("Term (months)"), validators=COUNT)
    change_note = StringField(
        _l("What changed (a note for the revision history)"), validators=[Length(max=NOTE_MAX)]
    )

    def facts(self) -> dict:
        currency = (self.currency.data or "").strip().upper() or None
        return {
            "monthly_revenue_minor": to_minor(self.monthly_revenue.data, currency),
            "monthly_costs_minor": to_minor(self.monthly_costs.data, currency),
            "currency": currency,
            "hours_per_month": self.hours_per_month.data,
            "seats": self.seats.data,
            "term_months": self.term_months.data,
        }

    def fill_from(self, proposal) -> None:
        """Fill an edit form from the proposal (only on GET: a failed POST keeps what was typed)."""
        self.title.data, self.kind.data = proposal.title, proposal.kind.value
        self.summary.data, self.body.data = proposal.summary, proposal.body
        self.monthly_revenue.data = from_minor(proposal.monthly_revenue_minor, proposal.currency)
        self.monthly_costs.data = from_minor(proposal.monthly_costs_minor, proposal.currency)
        self.currency.data = proposal.currency or ""
        self.hours_per_month.data = proposal.hours_per_month
        self.seats.data, self.term_months.data = proposal.seats, proposal.term_months


class TransitionForm(FlaskForm):
    transition = HiddenField(validators=[DataRequired()])
    note = StringField(_l("Note (optional)"), validators=[Length(max=NOTE_MAX)])

    def chosen(self) -> Transition | str:
        value = self.transition.data or ""
        return Transition(value) if value in Transition._value2member_map_ else value


class CommentForm(FlaskForm):
    body = TextAreaField(
        _l("Your comment (Markdown)"),
        validators=[DataRequired(message=_l("Write something first.")), Length(max=COMMENT_MAX)],
    )
    parent_id = HiddenField()


class InterestForm(FlaskForm):
    coop = SelectField(_l("Co-op"), coerce=int)
    stance = SelectField(
        _l("Is your co-op in?"), choices=choices((s.value, _l(STANCE_CHOICES[s])) for s in Stance)
    )
    note = StringField(_l("Note (optional)"), validators=[Length(max=1000)])
