"""Exact numbers written for people and for JSON."""

from __future__ import annotations

from fractions import Fraction

from .model import Number


def exact(value: Number) -> str:
    """A number written exactly: '12', '12.34567' when the decimal ends, else '2/3'."""
    value = Fraction(value)
    if value.denominator == 1:
        return str(value.numerator)
    places = _decimal_places(value.denominator)
    if places is None:
        return f"{value.numerator}/{value.denominator}"
    sign = "-" if value < 0 else ""
    scaled = abs(value.numerator) * 10**places // value.denominator
    whole, fraction = divmod(scaled, 10**places)
    return f"{sign}{whole}.{fraction:0{places}d}"


# Shares people say in words; any other is a percentage.
NAMED_SHARES = {
    Fraction(1, 2): "half",
    Fraction(1, 3): "a third",
    Fraction(2, 3): "two thirds",
    Fraction(1, 4): "a quarter",
    Fraction(3, 4): "three quarters",
}


def share_words(share: Number | str, *, named: bool = True) -> str:
    """A share as people say it: 'half', 'two thirds', '60%', '12.5%'; one that does not end within two
    decimal places of a per cent is rounded and says so ('about 14.3%'). Exact figures stand beside it.
    `named=False` for a share set as a percentage (a quorum), so it reads as it was set: '50%'."""
    value = Fraction(str(share)) if isinstance(share, str | float) else Fraction(share)
    if named and value in NAMED_SHARES:
        return NAMED_SHARES[value]
    per_cent = value * 100
    written = exact(per_cent)
    if "/" not in written and len(written.partition(".")[2]) <= 2:
        return f"{written}%"
    return f"about {float(per_cent):.1f}%"


def as_json_number(value: Number) -> int | float:
    """A number for JSON: an int when whole, else the nearest float (for display only)."""
    value = Fraction(value)
    return value.numerator if value.denominator == 1 else float(value)


def _decimal_places(denominator: int) -> int | None:
    """How many decimal places 1/denominator needs, or None when it never ends."""
    twos = fives = 0
    while denominator % 2 == 0:
        denominator //= 2
        twos += 1
    while denominator % 5 == 0:
        denominator //= 5
        fives += 1
    return max(twos, fives) if denominator == 1 else None
