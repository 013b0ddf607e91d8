"""One money module for proposals, pledges and agreements: ISO 4217 codes named and sized by Babel's data
(CLDR), amounts in each currency's own minor units, Decimal never float."""

from decimal import Decimal

import pytest

from governance import i18n
from governance.errors import InvalidInput
from proposals import money


def test_only_iso_4217_codes_of_money_are_currencies():
    assert money.is_currency("GBP") and money.is_currency("ARS") and money.is_currency("JPY")
    assert not money.is_currency("POU") and not money.is_currency("gbp") and not money.is_currency(None)
    assert not money.is_currency("XAU")  # gold is in ISO 4217, but no co-op is paid in it
    assert money.clean_currency(" gbp ") == "GBP"
    with pytest.raises(InvalidInput, match="'pou' is not an ISO 4217 currency code"):
        money.clean_currency("pou")


def test_each_currency_has_its_own_minor_units():
    # ISO 4217's minor unit column: GBP 2, JPY 0, BHD 3 (as Babel's CLDR data gives them).
    assert (money.digits("GBP"), money.digits("JPY"), money.digits("BHD")) == (2, 0, 3)
    assert money.to_minor("1250.50", "GBP") == 125050 and money.to_minor("1250", "JPY") == 1250
    assert money.to_minor("1.005", "BHD") == 1005
    with pytest.raises(InvalidInput, match="GBP has 2 decimal places at most"):
        money.to_minor("1250.505", "GBP")
    with pytest.raises(InvalidInput, match="JPY has no minor unit"):
        money.to_minor("12.5", "JPY")
    with pytest.raises(InvalidInput, match="as a decimal number in a string"):
        money.to_minor(12.5, "GBP")
    assert money.to_major(125050, "GBP") == Decimal("1250.50") and money.to_major(1005, "BHD") == Decimal(
        "1.005"
    )


def test_amounts_are_shown_with_symbols_or_by_iso_code():
    assert money.format_money(125050, "GBP") == "£1,250.50"
    assert money.format_iso(125050, "GBP") == "GBP 1,250.50"
    assert money.format_iso(1250, "JPY") == "JPY 1,250" and money.format_iso(1005, "BHD") == "BHD 1.005"
    assert money.name("ARS") == "Argentine Peso"
    assert money.format_money(None, "GBP") == "" and money.format_iso(125050, None) == "125,050"


def test_money_is_written_the_readers_way(app):
    """Unless told otherwise, amounts follow the locale of whoever is being answered. CLDR's
    common/main/es_AR.xml: `<symbols numberSystem="latn"><decimal>,</decimal><group>.</group></symbols>`,
    and the peso's symbol in Argentina is "$"."""
    with app.test_request_context(), i18n.speaking("es_AR"):
        assert money.format_money(25_000_000, "ARS") == "$250.000,00"
        assert money.format_iso(125050, "GBP") == "GBP 1.250,50"
        assert money.name("ARS") == "peso argentino"
    with app.test_request_context():  # no reader's locale: en_GB
        assert money.format_money(25_000_000, "ARS") == "ARS250,000.00"
        assert money.format_iso(125050, "GBP") == "GBP 1,250.50"
    assert money.format_money(125050, "GBP", "es_AR") == "GBP1.250,50"  # a locale given is kept


def test_amounts_are_read_the_way_the_reader_writes_them(app):
    """A delegate in Buenos Aires types '250,50' for two hundred and fifty pesos fifty (CLDR es_AR: the decimal
    sign is ',' and '.' groups thousands); the same text from a reader in London is no amount at all, and
    is refused rather than read as 25050."""
    with app.test_request_context(), i18n.speaking("es_AR"):
        assert money.typed("250,50") == "250.50"
        assert money.typed("1.250,50") == "1250.50"
        assert money.typed("250.50") == "250.50"  # a point where a comma belongs: kept, read as typed
    with app.test_request_context(), i18n.speaking("en_GB"):
        assert money.typed("1,250.50") == "1250.50"
        assert money.typed("250,50") == "250,50"  # not a London number: left for the check to refuse


def test_a_pledge_typed_with_a_decimal_comma_in_buenos_aires_is_that_amount(app):
    from proposals.pledging.forms import PledgeForm

    with app.test_request_context(method="POST", data={"money": " 1.250,50 ", "currency": "ARS"}):
        with i18n.speaking("es_AR"):
            form = PledgeForm()
        assert form.money.data == "1250.50"
        assert money.to_minor(form.money.data, "ARS") == 125050


def test_what_is_not_written_as_a_number_is_left_as_typed(app):
    with app.test_request_context(), i18n.speaking("es_AR"):
        assert [money.typed(t) for t in ("nan", "1e400", "-inf", " 12 ")] == ["nan", "1e400", "-inf", "12"]
