"""Issued documents for the documents' tests: a stay notice and a residence-permit decision."""

from __future__ import annotations

import datetime

import pytest

from registration.documents import issuing

STAY_CONTENT = {
    "holder_latin": "KARIMOV ALISHER",
    "holder_cyrillic": "КАРИМОВ АЛИШЕР",
    "birth_date": "14.03.1994",
    "citizenship": "UZ",
    "identity_document": "AB1234567",
    "authority": "Отдел по вопросам миграции ОМВД России по району Тверской г. Москвы",
    "address": "г. Москва, ул. Тверская, д. 7, кв. 15",
    "host": "ООО «Ромашка», ИНН 7707083893",
    "period_from": "01.12.2026",
    "period_until": "28.02.2027",
    "application_number": "SR-2026-000042",
}
PERMIT_CONTENT = {
    "holder_latin": "LI WEI",
    "holder_cyrillic": "ЛИ ВЭЙ",
    "birth_date": "02.08.1990",
    "citizenship": "CN",
    "identity_document": "E12345678",
    "authority": "Управление по вопросам миграции ГУ МВД России по г. Москве",
    "decision": "approved",
    "decision_date": "01.12.2026",
    "application_number": "RP-2026-000017",
}
FROM, UNTIL = datetime.date(2026, 12, 1), datetime.date(2027, 2, 28)


@pytest.fixture
def issue_document(make_account):
    """Issue a document (a stay notice by default) to a new account or the one given."""

    def factory(kind="stay_notice", *, account=None, language="ru", content=None, **dates):
        return issuing.issue(
            account or make_account(),
            kind,
            valid_from=dates.get("valid_from", FROM),
            valid_until=dates.get("valid_until", UNTIL if kind == "stay_notice" else None),
            content=content if content is not None else (STAY_CONTENT if kind == "stay_notice" else PERMIT_CONTENT),
            language=language,
        )

    return factory
