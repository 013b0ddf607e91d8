"""Currencies and amounts, for proposals, pledges and agreements: ISO 4217 codes, their names and minor
units from Babel's data (CLDR); amounts stored as integer minor units, read and shown through Decimal,
never float. Plain Python (no Flask).

`is_currency("POU")` is False; `digits("JPY")` is 0, `digits("BHD")` 3; `to_minor("1250.50", "GBP")` is
125050 and `to_minor("1250.505", "GBP")` is refused (GBP has two digits); `format_money(125050, "GBP")` is
"£1,250.50", and with `iso_code=True` (a proposal's facts, an agreement's text) "GBP 1,250.50".
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from functools import cache

from babel import Locale
from babel.numbers import (
    NumberFormatError,
    NumberPattern,
    format_decimal,
    get_currency_name,
    get_currency_precision,
    list_currencies,
    parse_decimal,
    parse_pattern,
)

from governance.texts import _, current_locale
from governance.validation import invalid

MONEY_MAX = 10**13  # minor units: far above any co-op's monthly pledge, far below a BIGINT's limit
# Codes in ISO 4217 that are not money a co-op pays in: precious metals, SDRs, bond units, testing, none.
NOT_MONEY = frozenset(
    {"XAG", "XAU", "XBA", "XBB", "XBC", "XBD", "XDR", "XPD", "XPT", "XSU", "XTS", "XUA", "XXX"}
)


CODES = frozenset(c for c in list_currencies() if len(c) == 3 and c.isalpha() and c not in NOT_MONEY)


def is_currency(code: str | None) -> bool:
    return (code or "") in CODES


def digits(code: str | None) -> int:
    """The currency's minor-unit digits (2 for GBP, 0 for JPY, 3 for BHD); 2 for an unknown code."""
    return int(get_currency_precision(code)) if is_currency(code) else 2


def name(code: str, locale: str | None = None) -> str:
    """'British Pound', 'Argentine Peso' (en_GB); 'peso argentino' (es_AR): in the reader's locale unless
    one is given."""
    return str(get_currency_name(code, locale=locale or current_locale()))


def clean_currency(value, field_name: str = "currency") -> str:
    code = str(value or "").strip().upper()
    if not is_currency(code):
        raise invalid(
            field_name,
            _("%(value)r is not an ISO 4217 currency code: give one such as GBP or USD.", value=value),
        )
    return code


_TYPED_NUMBER = re.compile(r"-?[0-9][0-9.,\s\u00a0\u202f']*")


def typed(text):
    """An amount as a person typed it, read the way their locale writes numbers ('1.250,50' or '250,50' in
    Buenos Aires, '1,250.50' in London), given back in the machine's form ('1250.50') for `to_minor` and
    the forms' checks. What does not read as a number there is left as typed, to be refused with a reason.
    A WTForms filter: the API takes the machine's form only."""
    if not isinstance(text, str) or not _TYPED_NUMBER.fullmatch(text.strip()):
        return text.strip() if isinstance(text, str) else text  # 'nan', '1e400': the check says why not
    try:
        return str(parse_decimal(text.strip(), locale=current_locale(), strict=True))
    except NumberFormatError:
        return text.strip()


def to_minor(value, currency: str, field_name: str = "money", *, allow_zero: bool = True) -> int:
    """An amount typed or sent in major units ("1250.50", Decimal, int) as integer minor units."""
    if isinstance(value, float | bool):
        raise invalid(field_name, _('Give the amount as a decimal number in a string, such as "1250.50".'))
    text = str(value).strip().replace(",", "") if not isinstance(value, Decimal) else value
    try:
        amount = Decimal(text)
    except (InvalidOperation, ValueError):
        raise invalid(
            field_name, _("%(value)r is not an amount of money: give a number such as 1250.50.", value=value)
        ) from None
    if not amount.is_finite():
        raise invalid(field_name, _("Give a finite amount of money."))
    if amount < 0:
        raise invalid(field_name, _("An amount of money cannot be negative."))
    places = digits(currency)
    if amount.adjusted() > 15 or amount.scaleb(places) > MONEY_MAX:
        raise invalid(
            field_name,
            _("That amount is too large: at most %(most)s a month.", most=format_money(MONEY_MAX, currency)),
        )
    if amount != amount.quantize(Decimal(1).scaleb(-places)):
        raise invalid(field_name, _precision_message(currency, places))
    minor = int(amount.scaleb(places))
    if minor == 0 and not allow_zero:
        raise invalid(field_name, _("Give an amount above zero."))
    return minor


def _precision_message(currency: str, places: int) -> str:
    if places == 0:
        return _("%(currency)s has no minor unit: give a whole number.", currency=currency)
    return _("%(currency)s has %(places)s decimal places at most.", currency=currency, places=places)


def to_major(minor: int, currency: str | None) -> Decimal:
    """Minor units back as a Decimal in major units, with the currency's places (125050 -> 1250.50)."""
    places = digits(currency)
    return Decimal(minor).scaleb(-places).quantize(Decimal(1).scaleb(-places))


# The ISO code, a space, then the amount with the locale's grouping and the currency's own places.
ISO_PATTERN = parse_pattern("¤¤ #,##0.00")


@cache
def _currency_format(locale: str) -> tuple[Locale, NumberPattern]:
    """The locale and its currency pattern, parsed once (what babel's format_currency parses on every call)."""
    parsed = Locale.parse(locale)
    return parsed, parsed.currency_formats["standard"]


def format_money(
    minor: int | None, currency: str | None, locale: str | None = None, *, iso_code: bool = False
) -> str:
    """'£1,250.50', 'US$1,250.50' (en_GB), 'ARS250,000.00': Babel's symbols, grouping and minor units;
    with `iso_code`, 'GBP 1,250.50', 'JPY 1,250' (an amount without a known currency: its digits).

    Written the reader's way unless a locale is given: `governance.texts.current_locale()`, the request's
    or the one a mail is composed in, so an es_AR reader sees '$250.000,00' and 'GBP 1.250,50'."""
    if minor is None:
        return ""
    locale = locale or current_locale()
    if not is_currency(currency):
        return format_decimal(minor, locale=locale) if iso_code else ""
    parsed, pattern = _currency_format(locale)
    pattern = ISO_PATTERN if iso_code else pattern
    return str(pattern.apply(to_major(minor, currency), parsed, currency=currency, currency_digits=True))


def format_iso(minor: int | None, currency: str | None, locale: str | None = None) -> str:
    """'GBP 1,250.50': how a proposal's facts and an agreement's text name amounts (parties abroad read them)."""
    return format_money(minor, currency, locale, iso_code=True)


def clean_rate(value, field_name: str) -> Decimal:
    """An exchange rate: a positive decimal, at most 12 significant digits, between 1e-9 and 1e9."""
    if isinstance(value, float | bool):
        raise invalid(field_name, _('Give the rate as a decimal number in a string, such as "1.27".'))
    try:
        rate = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise invalid(
            field_name, _("%(value)r is not a rate: give a number such as 1.27.", value=value)
        ) from None
    if not rate.is_finite() or not Decimal("1e-9") <= rate <= Decimal("1e9"):
        raise invalid(field_name, _("A rate is a positive number between 0.000000001 and 1,000,000,000."))
    if len(rate.normalize().as_tuple().digits) > 12:
        raise invalid(field_name, _("A rate has at most 12 significant digits."))

    return rate.normalize()
