"""Currencies: ISO 4217 codes, their names and minor units from Babel's data (CLDR), amounts as Decimal.

Plain Python (no Flask). `is_currency("POU")` is False; `digits("JPY")` is 0, `digits("BHD")` 3;
`format_money(125050, "GBP")` is "GBP 1,250.50" and `format_money(1250, "JPY")` "JPY 1,250".
"""

from __future__ import annotations

from decimal import Decimal

from babel.numbers import format_currency, get_currency_name, get_currency_precision, list_currencies

DEFAULT_LOCALE = "en_GB"
# Codes in ISO 4217 that are not money a co-op is paid in: precious metals, SDRs, bond units, testing, none.
NOT_MONEY = frozenset(
    {"XAG", "XAU", "XBA", "XBB", "XBC", "XBD", "XDR", "XPD", "XPT", "XSU", "XTS", "XUA", "XXX"}
)
CODES = frozenset(c for c in list_currencies() if len(c) == 3 and c.isalpha() and c not in NOT_MONEY)


def is_currency(code: str | None) -> bool:
    return (code or "") in CODES


def digits(code: str | None) -> int:
    """The currency's minor-unit digits (2 for GBP, 0 for JPY, 3 for BHD); 2 for an unknown code."""
    return int(get_currency_precision(code)) if is_currency(code) else 2


def name(code: str, locale: str = DEFAULT_LOCALE) -> str:
    """'British Pound', 'Argentine Peso'."""
    return str(get_currency_name(code, locale=locale))


def to_major(minor: int, code: str | None) -> Decimal:
    """Minor units as a Decimal in major units, with the currency's places (125050 GBP -> 1250.50)."""
    places = digits(code)
    return Decimal(minor).scaleb(-places).quantize(Decimal(1).scaleb(-places))


def format_money(minor: int | None, code: str | None, locale: str = DEFAULT_LOCALE) -> str:
    """'GBP 1,250.00' from 125000 minor units: the ISO code, then the amount in the currency's own places."""
    if minor is None:
        return ""
    if not is_currency(code):
        return f"{minor:,}"
    return str(
        format_currency(
            to_major(minor, code), code, format="¤¤ #,##0.00", locale=locale, currency_digits=True
        )
    )
