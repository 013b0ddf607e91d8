"""Forms of the proposal pages (Flask-WTF; the service does the real checking)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

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
from proposals.lifecycle import Transition
from proposals.models import Kind, Stance
from proposals.money import digits
from proposals.service import BODY_MAX, COMMENT_MAX, NOTE_MAX, SUMMARY_MAX, TITLE_MAX

COUNT = [Optional(), NumberRange(min=0, max=1_000_000)]


MONEY_LIMIT = Decimal(10**11)  # in major units; MONEY_MAX minor units in the service
PLACES_WORDS = {1: "one", 2: "two", 3: "three", 4: "four"}


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
        raise ValidationError("Give an amount such as 1250 or 1250.50.")
    if value < 0:
        raise ValidationError("Give an amount such as 1250 or 1250.50, not negative.")
    if value >= MONEY_LIMIT:
        raise ValidationError(f"Give an amount below {MONEY_LIMIT:,}.")
    if not fits and places == 0:
        raise ValidationError(f"{currency} has no minor units: give a whole amount, such as 1250.")
    if not fits:
        count = PLACES_WORDS.get(places, str(places))
        raise ValidationError(
            f"Give at most {count} decimal places, such as {Decimal(125050).scaleb(-places)}."
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
        "Title", validators=[DataRequired(message="A title is required."), Length(max=TITLE_MAX)]
    )
    kind = SelectField("Kind", choices=choices((k.value, k.label) for k in Kind))
    networks = MultiCheckboxField("Addressed to the co-ops of", coerce=str, validate_choice=False)
    summary = TextAreaField("Summary", validators=[Optional(), Length(max=SUMMARY_MAX)])
    body = TextAreaField("Body (Markdown)", validators=[Optional(), Length(max=BODY_MAX)])
    monthly_revenue = StringField("Current monthly revenue", validators=[money])
    monthly_costs = StringField("Current monthly costs", validators=[money])
    currency = StringField(
        "Currency (ISO 4217 code, e.g. GBP, USD, ARS)", validators=[Optional(), Length(min=3, max=3)]
    )
    hours_per_month = IntegerField("Capacity needed (hours a month)", validators=COUNT)
    seats = IntegerField("Seats", validators=COUNT)
    term_months = IntegerField("Term (months)", validators=COUNT)
    change_note = StringField(
        "What changed (a note for the revision history)", validators=[Length(max=NOTE_MAX)]
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
    note = StringField("Note (optional)", validators=[Length(max=NOTE_MAX)])

    def chosen(self) -> Transition | str:
        value = self.transition.data or ""
        return Transition(value) if value in Transition._value2member_map_ else value


class CommentForm(FlaskForm):
    body = TextAreaField(
        "Your comment (Markdown)",
        validators=[DataRequired(message="Write something first."), Length(max=COMMENT_MAX)],
    )
    parent_id = HiddenField()


class InterestForm(FlaskForm):
    coop = SelectField("Co-op", coerce=int)
    stance = SelectField(
        "Is your co-op in?", choices=choices((s.value, s.label.capitalize()) for s in Stance)
    )
    note = StringField("Note (optional)", validators=[Length(max=1000)])
