"""Write the first page of a document's PDF as PNG: an issued one (by number) or a sample (not saved)."""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from registration.documents import issuing
from registration.documents.models import DocumentKind, IssuedDocument
from registration.documents.pdf import render_pdf
from registration.documents.rendering import first_page_png

#: What a sample says: made-up people, addresses and numbers.
SAMPLES: dict[str, dict[str, Any]] = {
    DocumentKind.STAY_NOTICE: {
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
    },
    DocumentKind.RESIDENCE_PERMIT: {
        "holder_latin": "LI WEI",
        "holder_cyrillic": "ЛИ ВЭЙ",
        "birth_date": "02.08.1990",
        "citizenship": "CN",
        "identity_document": "E12345678",
        "authority": "Управление по вопросам миграции ГУ МВД России по г. Москве",
        "decision": "approved",
        "decision_date": "01.12.2026",
        "application_number": "RP-2026-000017",
    },
}


def sample(kind: str, language: str) -> IssuedDocument:
    """An unsaved document of ``kind`` in ``language`` with the sample's content."""
    kind = DocumentKind(kind)
    prefix = issuing.PREFIXES[kind]
    return IssuedDocument(
        pk=123,
        kind=kind,
        number=f"{prefix}-2026-0000123",
        valid_from=datetime.date(2026, 12, 1),
        valid_until=datetime.date(2027, 2, 28) if kind == DocumentKind.STAY_NOTICE else None,
        check_token="sample-check-token",  # noqa: S106  (a sample's, opening nothing)
        language=language,
        content=json.dumps(SAMPLES[kind], ensure_ascii=False, sort_keys=True),
        issued_at=datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.UTC),
    )


class Command(BaseCommand):
    help = "Write the first page of an issued document (or a sample) as a PNG image."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("output", help="the PNG file to write")
        parser.add_argument("--number", help="an issued document's number")
        parser.add_argument("--sample", choices=[kind.value for kind in DocumentKind], help="a sample of this kind")
        parser.add_argument("--language", default="ru", choices=[code for code, _ in settings.LANGUAGES])
        parser.add_argument("--dpi", type=int, default=110)

    def handle(self, *args: Any, **options: Any) -> None:
        if bool(options["number"]) == bool(options["sample"]):
            raise CommandError("Give either --number or --sample.")
        if options["number"]:
            document = IssuedDocument.objects.filter(number=options["number"]).first()
            if document is None:
                raise CommandError("No document has this number.")
        else:
            document = sample(options["sample"], options["language"])
        pdf = render_pdf(document, check_url=issuing.check_url(document))
        output = Path(options["output"])
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_bytes(first_page_png(pdf, dpi=options["dpi"]))
        self.stdout.write(str(output))
