"""Forms of the campaign pages (Flask-WTF: CSRF and shape; `proposals.pledging.service` does the real checking)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    DateTimeLocalField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from governance.errors import InvalidInput
from governance.forms import MultiCheckboxField
from governance.texts import N_, _, _l
from proposals import money
from proposals.money import typed as typed_amount
from proposals.pledging.service import HOURS_MAX, NOTICE_MAX, TERM_MAX, CampaignSettings, PledgeIn, RateIn
from voting.forms import LOCAL_FORMATS, local_to_utc

RATE_LINE_HINT = N_("One a line: code, rate (units of it for one of the base currency), date, source.")


class OpenCampaignForm(FlaskForm):
    base_currency = StringField(
        _l("Base currency (ISO 4217 code)"), validators=[DataRequired(), Length(min=3, max=3)], default="GBP"
    )
    rates = TextAreaField(
        _l("Other currencies co-ops may pledge in, with their rates"),
        validators=[Optional(), Length(max=5000)],
        description=_l(RATE_LINE_HINT),
    )
    target_money = StringField(
        _l("Money a month, in the base currency (empty: no money target)"),
        filters=[typed_amount],
        validators=[Optional(), Length(max=40)],
    )
    target_hours = IntegerField(
        _l("Hours of capacity a month (empty: no hours target)"),
        validators=[Optional(), NumberRange(1, 1_000_000)],
    )
    seats = TextAreaField(
        _l(
            "Seats, one a line: a role a co-op takes on, and how many co-ops it needs (“host” or “on-call: 2”)"
        ),
        validators=[Optional(), Length(max=2000)],
    )
    min_coops = IntegerField(
        _l("At least this many co-ops"), validators=[Optional(), NumberRange(1, 100_000)]
    )
    min_networks = IntegerField(
        _l("At least this many networks"), validators=[Optional(), NumberRange(1, 1000)]
    )
    min_countries = IntegerField(
        _l("At least this many countries"), validators=[Optional(), NumberRange(1, 1000)]
    )
    deadline_at = DateTimeLocalField(
        _l("Deadline"),
        format=LOCAL_FORMATS,
        validators=[DataRequired(message=_l("Say when the campaign's deadline is."))],
    )
    term_months = IntegerField(_l("Term, in months"), validators=[InputRequired(), NumberRange(1, TERM_MAX)])
    notice_days = IntegerField(
        _l("Notice a party gives before it withdraws, in days"),
        default=90,
        validators=[Optional(), NumberRange(0, NOTICE_MAX)],
    )

    def settings(self, zone: str) -> CampaignSettings:
        return CampaignSettings(
            base_currency=self.base_currency.data or "",
            rates=rate_lines(self.rates.data),
            target_money=self.target_money.data or None,
            target_hours=self.target_hours.data,
            seats=seat_lines(self.seats.data),
            min_coops=self.min_coops.data,
            min_networks=self.min_networks.data,
            min_countries=self.min_countries.data,
            deadline_at=local_to_utc(self.deadline_at.data, zone, "deadline_at"),
            term_months=self.term_months.data,
            notice_days=self.notice_days.data or 0,
            time_zone=zone,
        )


def rate_lines(text: str | None) -> list[RateIn]:
    """'USD 1.27 2026-12-01 Bank of England' a line; a line that is not four parts is refused."""
    rates = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        parts = line.split(None, 3)
        if not parts:
            continue
        if len(parts) < 4:
            message = _("Line %(number)s of the rates: %(hint)s", number=number, hint=_(RATE_LINE_HINT))
            raise InvalidInput(message, errors={"rates": [message]})
        rates.append(RateIn(currency=parts[0], rate=parts[1], as_of=parts[2], source=parts[3]))
    return rates


def seat_lines(text: str | None) -> dict[str, int]:
    """'host' or 'on-call: 2' a line."""
    seats: dict[str, int] = {}
    for line in (text or "").splitlines():
        name, _, count = line.partition(":")
        name = " ".join(name.split())
        if not name:
            continue
        count = count.strip()
        if count and not (count.isascii() and count.isdigit() and len(count) <= 6):
            message = _(
                "How many co-ops the seat %(name)r needs is a whole number, as in “on-call: 2”.", name=name
            )
            raise InvalidInput(message, errors={"seats": [message]})
        seats[name] = int(count) if count else 1
    return seats


class PledgeForm(FlaskForm):
    coop = SelectField(_l("For"), coerce=int, validators=[InputRequired(message=_l("Choose a co-op."))])
    currency = SelectField(_l("Currency"))
    money = StringField(_l("Money a month"), filters=[typed_amount], validators=[Optional(), Length(max=40)])
    hours = IntegerField(_l("Hours a month"), validators=[Optional(), NumberRange(0, HOURS_MAX)])
    seats = MultiCheckboxField(_l("Seats your co-op takes on"), validate_choice=False)
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=1000)])
    min_coops = IntegerField(
        _l("Only if at least this many co-ops are in (empty: no condition)"),
        validators=[Optional(), NumberRange(1, 100_000)],
    )
    min_money = StringField(
        _l("Only if the money pledged reaches, in the base currency (empty: no condition)"),
        filters=[typed_amount],
        validators=[Optional(), Length(max=40)],
    )

    def fill_from(self, pledge) -> None:
        """Start from the co-op's current pledge."""
        self.coop.data = pledge.coop_id
        self.currency.data = pledge.currency
        self.money.data = (
            str(money.to_major(pledge.money_minor, pledge.currency)) if pledge.money_minor else ""
        )
        self.hours.data = pledge.hours or None
        self.seats.data = list(pledge.seats or [])
        self.note.data = pledge.note
        self.min_coops.data = pledge.min_coops
        base = pledge.campaign.base_currency
        self.min_money.data = (
            str(money.to_major(pledge.min_money_minor, base)) if pledge.min_money_minor else ""
        )

    def pledge(self) -> PledgeIn:
        return PledgeIn(
            currency=self.currency.data or "",
            money=self.money.data or None,
            hours=self.hours.data,
            seats=list(self.seats.data or []),
            note=self.note.data or "",
            min_coops=self.min_coops.data,
            min_money=self.min_money.data or None,
        )


class WithdrawForm(FlaskForm):
    coop = SelectField(_l("Co-op"), coerce=int, validators=[InputRequired(message=_l("Choose a co-op."))])


class ExtendForm(FlaskForm):
    deadline_at = DateTimeLocalField(
        _l("New deadline"),
        format=LOCAL_FORMATS,
        validators=[DataRequired(message=_l("Say when the new deadline is."))],
    )
    reason = TextAreaField(_l("Why (everyone is told)"), validators=[DataRequired(), Length(max=1000)])

    def new_deadline(self, zone: str):
        return local_to_utc(self.deadline_at.data, zone, "deadline_at")
