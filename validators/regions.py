"""Субъекты Российской Федерации (the 89 federal subjects of Russia, by tax-service code).

The codes are those of the Federal Tax Service (the first two digits of an INN issued there): 01–79,
83, 86, 87, 89 and 90–95. The portal lists 90–95, which most states recognise as part of Ukraine;
the list follows the portal. django-localflavor's ``ru_regions`` has wrong codes (80 for
Zabaykalsky Krai instead of 75, among others) and is not used.

More information:

* https://www.nalog.gov.ru/ (codes of the subjects of the Russian Federation)

>>> validate('77')
'77'
>>> validate('7')
'07'
>>> name('75')
'Забайкальский край'
>>> name('78', 'en')
'Saint Petersburg'
>>> name('78', 'kk'), name('78', 'zh-hans')
('Санкт-Петербург', 'Saint Petersburg')
>>> validate('80')
Traceback (most recent call last):
    ...
validators.InvalidComponent: 80 is not the code of a region of Russia.
>>> len(REGIONS)
89
"""

from __future__ import annotations

from dataclasses import dataclass

from validators import InvalidComponent, InvalidFormat, ValidationError

__all__ = ["REGIONS", "RUSSIAN_NAMES", "Region", "choices", "compact", "is_valid", "name", "validate"]

# The languages whose readers get the Russian names: the names on their Russian papers, in the Cyrillic
# they read (Tajik, Kyrgyz, Kazakh) or met at school (Uzbek). Any other language gets the English names.
RUSSIAN_NAMES = frozenset({"ru", "uz", "tg", "ky", "kk"})


def _in_russian(language: str) -> bool:
    return language.replace("_", "-").split("-")[0].lower() in RUSSIAN_NAMES


@dataclass(frozen=True, slots=True)
class Region:
    """A federal subject: its two-digit code and its names."""

    code: str
    name_ru: str
    name_en: str


REGIONS: tuple[Region, ...] = tuple(
    Region(code, ru, en)
    for code, ru, en in (
        ("01", "Республика Адыгея", "Republic of Adygea"),
        ("02", "Республика Башкортостан", "Republic of Bashkortostan"),
        ("03", "Республика Бурятия", "Republic of Buryatia"),
        ("04", "Республика Алтай", "Altai Republic"),
        ("05", "Республика Дагестан", "Republic of Dagestan"),
        ("06", "Республика Ингушетия", "Republic of Ingushetia"),
        ("07", "Кабардино-Балкарская Республика", "Kabardino-Balkarian Republic"),
        ("08", "Республика Калмыкия", "Republic of Kalmykia"),
        ("09", "Карачаево-Черкесская Республика", "Karachay-Cherkess Republic"),
        ("10", "Республика Карелия", "Republic of Karelia"),
        ("11", "Республика Коми", "Komi Republic"),
        ("12", "Республика Марий Эл", "Mari El Republic"),
        ("13", "Республика Мордовия", "Republic of Mordovia"),
        ("14", "Республика Саха (Якутия)", "Sakha (Yakutia) Republic"),
        ("15", "Республика Северная Осетия — Алания", "Republic of North Ossetia–Alania"),
        ("16", "Республика Татарстан", "Republic of Tatarstan"),
        ("17", "Республика Тыва", "Tuva Republic"),
        ("18", "Удмуртская Республика", "Udmurt Republic"),
        ("19", "Республика Хакасия", "Republic of Khakassia"),
        ("20", "Чеченская Республика", "Chechen Republic"),
        ("21", "Чувашская Республика", "Chuvash Republic"),
        ("22", "Алтайский край", "Altai Krai"),
        ("23", "Краснодарский край", "Krasnodar Krai"),
        ("24", "Красноярский край", "Krasnoyarsk Krai"),
        ("25", "Приморский край", "Primorsky Krai"),
        ("26", "Ставропольский край", "Stavropol Krai"),
        ("27", "Хабаровский край", "Khabarovsk Krai"),
        ("28", "Амурская область", "Amur Oblast"),
        ("29", "Архангельская область", "Arkhangelsk Oblast"),
        ("30", "Астраханская область", "Astrakhan Oblast"),
        ("31", "Белгородская область", "Belgorod Oblast"),
        ("32", "Брянская область", "Bryansk Oblast"),
        ("33", "Владимирская область", "Vladimir Oblast"),
        ("34", "Волгоградская область", "Volgograd Oblast"),
        ("35", "Вологодская область", "Vologda Oblast"),
        ("36", "Воронежская область", "Voronezh Oblast"),
        ("37", "Ивановская область", "Ivanovo Oblast"),
        ("38", "Иркутская область", "Irkutsk Oblast"),
        ("39", "Калининградская область", "Kaliningrad Oblast"),
        ("40", "Калужская область", "Kaluga Oblast"),
        ("41", "Камчатский край", "Kamchatka Krai"),
        ("42", "Кемеровская область — Кузбасс", "Kemerovo Oblast – Kuzbass"),
        ("43", "Кировская область", "Kirov Oblast"),
        ("44", "Костромская область", "Kostroma Oblast"),
        ("45", "Курганская область", "Kurgan Oblast"),
        ("46", "Курская область", "Kursk Oblast"),
        ("47", "Ленинградская область", "Leningrad Oblast"),
        ("48", "Липецкая область", "Lipetsk Oblast"),
        ("49", "Магаданская область", "Magadan Oblast"),
        ("50", "Московская область", "Moscow Oblast"),
        ("51", "Мурманская область", "Murmansk Oblast"),
        ("52", "Нижегородская область", "Nizhny Novgorod Oblast"),
        ("53", "Новгородская область", "Novgorod Oblast"),
        ("54", "Новосибирская область", "Novosibirsk Oblast"),
        ("55", "Омская область", "Omsk Oblast"),
        ("56", "Оренбургская область", "Orenburg Oblast"),
        ("57", "Орловская область", "Oryol Oblast"),
        ("58", "Пензенская область", "Penza Oblast"),
        ("59", "Пермский край", "Perm Krai"),
        ("60", "Псковская область", "Pskov Oblast"),
        ("61", "Ростовская область", "Rostov Oblast"),
        ("62", "Рязанская область", "Ryazan Oblast"),
        ("63", "Самарская область", "Samara Oblast"),
        ("64", "Саратовская область", "Saratov Oblast"),
        ("65", "Сахалинская область", "Sakhalin Oblast"),
        ("66", "Свердловская область", "Sverdlovsk Oblast"),
        ("67", "Смоленская область", "Smolensk Oblast"),
        ("68", "Тамбовская область", "Tambov Oblast"),
        ("69", "Тверская область", "Tver Oblast"),
        ("70", "Томская область", "Tomsk Oblast"),
        ("71", "Тульская область", "Tula Oblast"),
        ("72", "Тюменская область", "Tyumen Oblast"),
        ("73", "Ульяновская область", "Ulyanovsk Oblast"),
        ("74", "Челябинская область", "Chelyabinsk Oblast"),
        ("75", "Забайкальский край", "Zabaykalsky Krai"),
        ("76", "Ярославская область", "Yaroslavl Oblast"),
        ("77", "Москва", "Moscow"),
        ("78", "Санкт-Петербург", "Saint Petersburg"),
        ("79", "Еврейская автономная область", "Jewish Autonomous Oblast"),
        ("83", "Ненецкий автономный округ", "Nenets Autonomous Okrug"),
        ("86", "Ханты-Мансийский автономный округ — Югра", "Khanty-Mansi Autonomous Okrug – Yugra"),
        ("87", "Чукотский автономный округ", "Chukotka Autonomous Okrug"),
        ("89", "Ямало-Ненецкий автономный округ", "Yamalo-Nenets Autonomous Okrug"),
        ("90", "Запорожская область", "Zaporizhzhia Oblast"),
        ("91", "Республика Крым", "Republic of Crimea"),
        ("92", "Севастополь", "Sevastopol"),
        ("93", "Донецкая Народная Республика", "Donetsk People's Republic"),
        ("94", "Луганская Народная Республика", "Luhansk People's Republic"),
        ("95", "Херсонская область", "Kherson Oblast"),
    )
)

_BY_CODE = {region.code: region for region in REGIONS}


def compact(code: str) -> str:
    """Remove surrounding whitespace and pad a one-digit code with a zero (``7`` → ``07``)."""
    code = code.strip()
    return code.zfill(2) if len(code) == 1 else code


def validate(code: str) -> str:
    """Check that the code is one of the 89 subjects and return its two digits."""
    code = compact(code)
    if len(code) != 2 or not (code.isdigit() and code.isascii()):
        raise InvalidFormat(code="region_format")
    if code not in _BY_CODE:
        raise InvalidComponent(code="region_unknown", params={"code": code})
    return code


def is_valid(code: str) -> bool:
    """Tell whether the code is one of the 89 subjects."""
    try:
        return bool(validate(code))
    except ValidationError:
        return False


def name(code: str, language: str = "ru") -> str:
    """Return the subject's name in Russian (a language of :data:`RUSSIAN_NAMES`) or English (any other)."""
    region = _BY_CODE[validate(code)]
    return region.name_ru if _in_russian(language) else region.name_en


def choices(language: str = "ru") -> list[tuple[str, str]]:
    """Return ``(code, "code name")`` pairs in code order, for a select box, named as :func:`name` does."""
    russian = _in_russian(language)
    return [(r.code, f"{r.code} {r.name_ru if russian else r.name_en}") for r in REGIONS]
