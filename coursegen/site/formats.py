"""Dates, language names and money as the site's language writes them (Babel), remembered per value.

Babel is imported here, lazily: `check` and an up-to-date build never format anything, and
must not pay for importing it (tests/test_shape.py). Every function takes plain values and
is cached: a catalog of 100,000 courses has a handful of languages, currencies, prices and
opening dates, and formatting one costs tens of microseconds.
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

FALLBACK_LOCALE = "en"


@lru_cache(maxsize=64)
def locale_of(tag: str):
    """Return Babel's Locale for a BCP 47 tag ("de", "pt-BR", "zh-Hant-TW"), English for a tag it does not know."""
    from babel import Locale, UnknownLocaleError

    try:
        return Locale.parse(tag.replace("-", "_")) if tag else Locale.parse(FALLBACK_LOCALE)
    except (UnknownLocaleError, ValueError, TypeError):
        return Locale.parse(FALLBACK_LOCALE)


@lru_cache(maxsize=1024)
def language_name(tag: str, site_language: str) -> str:
    """Return a language's name in the site's language: "de" on an English site is "German".

    A tag Babel cannot name is shown as written: it is still the truth, only untranslated.
    """
    from babel import Locale, UnknownLocaleError

    in_language = locale_of(site_language)
    try:
        name = Locale.parse(tag.replace("-", "_")).get_display_name(in_language)
    except (UnknownLocaleError, ValueError, TypeError):
        name = in_language.languages.get(tag.split("-")[0].lower())
    return name or tag


@lru_cache(maxsize=4096)
def long_date(rfc3339: str, site_language: str) -> str:
    """Return the calendar date of an RFC 3339 date-time in words: "March 2, 2027" in English.

    The date as written, not converted to UTC: "2027-03-02T00:30:00+02:00" opens on 2 March
    where its author lives, which is what they meant.
    """
    from datetime import date

    from babel.dates import format_date

    return format_date(date.fromisoformat(rfc3339[:10]), format="long", locale=locale_of(site_language))


@lru_cache(maxsize=256)
def minor_digits(currency: str) -> int:
    """Return how many minor-unit digits a currency has: 2 for EUR, 0 for JPY (ISO 4217, from Babel's CLDR)."""
    from babel.numbers import get_currency_precision

    return get_currency_precision(currency)


def major_amount(unit_amount: int, currency: str) -> Decimal:
    """Return an amount in minor units as a decimal in major units: 4900 EUR is 49.00, 1200 JPY is 1200."""
    return Decimal(unit_amount).scaleb(-minor_digits(currency))


@lru_cache(maxsize=4096)
def money(unit_amount: int, currency: str, site_language: str) -> str:
    """Return an amount in minor units as the site's language writes it: "€49.00", "¥1,200", "49,00 €"."""
    from babel.numbers import format_currency

    return format_currency(major_amount(unit_amount, currency), currency, locale=locale_of(site_language))


@lru_cache(maxsize=1024)
def either(items: tuple[str, ...], site_language: str) -> str:
    """Return alternatives joined as the site's language does: "A or B", "A, B, or C"."""
    from babel.lists import format_list

    return format_list(list(items), style="or", locale=locale_of(site_language))
