"""Country names in the person's language, and the list of citizenships they choose from.

The codes are ISO 3166-1 alpha-2, as django-countries lists them (the citizenship column stores them),
plus ``XX`` for a stateless person (ISO 3166's user-assigned range; ICAO Doc 9303 writes ``XXA`` in a
machine-readable zone). The names come from the Unicode CLDR through Babel, in every language of the
site, not from django-countries' own catalogues, whose Russian has declined forms ("Либерии"),
misspellings ("Сан - Марино") and untranslated names ("Naoero"). Where CLDR gives a short or
colloquial form that an official list does not use (abbreviations such as "о-ва", "St." and "&",
"Конго - Киншаса", "Мьянма (Бирма)"), ``OVERRIDES`` gives the form of the Russian classifier of the
countries of the world (ОКСМ) or its English equivalent. The list is sorted by the language's
alphabet (:mod:`registration.core.collation`), built once per language.
"""

from __future__ import annotations

from functools import lru_cache, partial

from babel import Locale, UnknownLocaleError
from django.utils import translation
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django_countries.data import COUNTRIES

from registration.core.collation import collate_choices

#: Citizenship of a stateless person (ICAO 9303: ``XXA``).
STATELESS = "XX"
STATELESS_NAME = _("Stateless person")

#: Where CLDR's form is not the one an official list uses, per language.
OVERRIDES: dict[str, dict[str, str]] = {
    # ОКСМ (ОК 025-2001), short names.
    "ru": {
        "AX": "Эландские острова",
        "BM": "Бермуды",
        "BV": "Остров Буве",
        "KY": "Острова Кайман",
        "CX": "Остров Рождества",
        "CC": "Кокосовые (Килинг) острова",
        "CG": "Конго",
        "CD": "Демократическая Республика Конго",
        "CK": "Острова Кука",
        "FK": "Фолклендские острова (Мальвинские)",
        "FO": "Фарерские острова",
        "HM": "Остров Херд и острова Макдональд",
        "HK": "Гонконг",
        "IM": "Остров Мэн",
        "MO": "Макао",
        "MH": "Маршалловы Острова",
        "MM": "Мьянма",
        "NF": "Остров Норфолк",
        "MP": "Северные Марианские острова",
        "PN": "Питкерн",
        "SH": "Святая Елена, остров Вознесения, Тристан-да-Кунья",
        "SC": "Сейшелы",
        "SB": "Соломоновы Острова",
        "GS": "Южная Джорджия и Южные Сандвичевы острова",
        "UM": "Малые Тихоокеанские отдалённые острова Соединённых Штатов",
        "VG": "Виргинские острова (Британские)",
        "VI": "Виргинские острова (США)",
    },
    "en": {
        "CG": "Congo",
        "CD": "Democratic Republic of the Congo",
        "HK": "Hong Kong",
        "MO": "Macao",
        "MM": "Myanmar",
    },
}
#: CLDR's qualifiers in parentheses that no official list uses, dropped in the other languages.
_PLAIN = ("HK", "MO", "MM")


def _babel_locale(language: str) -> Locale:
    try:
        return Locale.parse(translation.to_locale(language))
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en")


def _base(language: str) -> str:
    return language.split("-")[0].lower()


def _cldr_form(code: str, name: str, language: str) -> str:
    if _base(language) == "en":
        name = name.replace(" & ", " and ").replace("St. ", "Saint ")
    elif code in _PLAIN and "(" in name:
        name = name.split("(")[0].strip()
    return name


@lru_cache(maxsize=16)
def _names(language: str) -> dict[str, str]:
    territories = _babel_locale(language).territories
    overrides = OVERRIDES.get(_base(language), {})
    return {
        code: overrides.get(code) or _cldr_form(code, territories.get(code, fallback), language)
        for code, fallback in COUNTRIES.items()
    }


def current_language() -> str:
    from django.conf import settings

    return translation.get_language() or settings.LANGUAGE_CODE


def name(code: str, language: str | None = None) -> str:
    """The name of the country ``code`` (or of statelessness, ``XX``) in ``language`` (the active one)."""
    language = language or current_language()
    code = (code or "").upper()
    if code == STATELESS:
        with translation.override(language):
            return str(STATELESS_NAME)
    return _names(language).get(code, "")


@lru_cache(maxsize=16)
def _choices(language: str) -> tuple[tuple[str, str], ...]:
    countries = collate_choices(_names(language).items(), language)
    return ((STATELESS, name(STATELESS, language)), *countries)


def choices(language: str | None = None) -> list[tuple[str, str]]:
    """Every citizenship to choose from, statelessness first, then the countries in alphabetical order."""
    return list(_choices(language or current_language()))


def is_citizenship(code: object) -> bool:
    """Tell whether ``code`` is one of the choices (a country's code or ``XX``)."""
    return isinstance(code, str) and (code == STATELESS or code in COUNTRIES)


def alpha3(code: str) -> str:
    """The three-letter code a machine-readable zone writes for this citizenship (``XXA`` when stateless)."""
    if code == STATELESS:
        return "XXA"
    from django_countries import countries

    try:
        return countries.alpha3(code) or ""
    except (KeyError, TypeError):
        return ""


def phone_region(citizenship: str | None) -> tuple[str | None, str | None]:
    """The region, and its name, in which a phone typed without its country code is read (none when stateless)."""
    if not citizenship or not is_citizenship(citizenship) or citizenship == STATELESS:
        return None, None
    return citizenship, name(citizenship)


def django_countries_override() -> dict[str, object]:
    """``COUNTRIES_OVERRIDE`` for django-countries: these names wherever a country field shows one."""
    override: dict[str, object] = {code: lazy(partial(name, code), str)() for code in COUNTRIES}
    override[STATELESS] = {"names": [lazy(partial(name, STATELESS), str)()], "alpha3": "XXA"}
    return override
