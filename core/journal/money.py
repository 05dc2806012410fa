"""Amounts and currencies: an amount is kept exactly, in hundredths; a currency is an ISO 4217 code we know."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Final

from core.journal.errors import JournalError

# ISO 4217 codes in use (the common ones; funds and precious metals left out)
_CODES = """
AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN BZD CAD CDF CHF
CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG
HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA
MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD
RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD
UYU UZS VES VND VUV WST XAF XCD XOF XPF YER ZAR ZMW ZWL
"""
CURRENCIES: Final = frozenset(_CODES.split())
POPULAR: Final = ("RUB", "USD", "EUR", "GBP", "KZT", "BYN", "UAH", "GEL", "AMD", "TRY", "CNY", "JPY")
MAX_AMOUNT: Final = Decimal("1000000000000")  # a trillion, whatever the currency


def default_currency(language: str) -> str:
    return "RUB" if language == "ru" else "USD"


def check_currency(value: str) -> str:
    code = value.strip().upper()
    if code not in CURRENCIES:
        raise JournalError("ERR_JOURNAL_BAD_CURRENCY", "not an ISO 4217 currency code", value=value[:10])
    return code


def to_minor(value: int | float | str) -> int:
    """450 → 45000; "450,50" → 45050. Refused: below zero, more than two decimals, not a number, too large."""
    text = value.replace(" ", "").replace("\u00a0", "").replace(",", ".") if isinstance(value, str) else str(value)
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise JournalError("ERR_JOURNAL_BAD_AMOUNT", "not a number", value=str(value)[:20]) from None
    if not amount.is_finite() or amount < 0 or amount > MAX_AMOUNT:
        raise JournalError("ERR_JOURNAL_BAD_AMOUNT", "out of range", value=str(value)[:20])
    minor = amount * 100
    if minor != minor.to_integral_value():
        raise JournalError("ERR_JOURNAL_BAD_AMOUNT", "more than two decimals", value=str(value)[:20])
    return int(minor)


def from_minor(minor: int | None) -> float | None:
    return None if minor is None else minor / 100
