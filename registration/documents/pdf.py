"""The PDF of an issued document: A4, in the person's language and in Russian, with a QR check.

Made with reportlab (BSD, maintained since 2000, pure Python with C speed-ups): TrueType fonts are
embedded as subsets, a font collection (.ttc) face can be loaded, and ``invariant`` mode with a fixed
date makes the same document give the same bytes. The QR code is segno's matrix drawn as vector
squares, so that it stays sharp at any print size.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable, Iterator
from typing import Any
from xml.sax.saxutils import escape

import segno
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from registration.core import countries
from registration.documents.fonts import BOLD, CJK, REGULAR, register_fonts, split_by_script
from registration.documents.issuing import content_of
from registration.documents.models import DocumentKind, IssuedDocument

RUSSIAN = "ru"

#: The content's keys per kind, in the order they are printed, with their labels.
COMMON_ROWS: tuple[tuple[str, Any], ...] = (
    ("holder_latin", _("Full name (Latin letters)")),
    ("holder_cyrillic", _("Full name (Cyrillic letters)")),
    ("birth_date", _("Date of birth")),
    ("citizenship", _("Citizenship")),
    ("identity_document", _("Identity document")),
)
KIND_ROWS: dict[str, tuple[tuple[str, Any], ...]] = {
    DocumentKind.STAY_NOTICE: (
        ("address", _("Address of stay")),
        ("host", _("Receiving party")),
        ("period_from", _("Registered from")),
        ("period_until", _("Registered until")),
        ("application_number", _("Application number")),
    ),
    DocumentKind.RESIDENCE_PERMIT: (
        ("decision", _("Decision")),
        ("decision_date", _("Date of the decision")),
        ("application_number", _("Application number")),
        ("valid_until", _("Residence permit valid until")),
    ),
}
AUTHORITY_LABEL = _("Issued by")
DECISIONS = {"approved": _("The residence permit is granted"), "rejected": _("The residence permit is refused")}


def _date(value: datetime.date | None) -> str:
    return value.strftime("%d.%m.%Y") if value else ""


def _markup(text: str) -> str:
    """Escape ``text`` for a reportlab paragraph, setting its Chinese runs in the CJK font."""
    return "".join(
        f'<font name="{CJK}">{escape(run)}</font>' if is_cjk else escape(run) for run, is_cjk in split_by_script(text)
    )


def _in(language: str, message: Any) -> str:
    with translation.override(language):
        return str(message)


class QRCode(Flowable):
    """A QR code drawn from segno's matrix: one filled square per dark module, a quiet zone of 4."""

    def __init__(self, data: str, size: float) -> None:
        super().__init__()
        self.qr = segno.make(data, error="m")
        self.size = size
        self.width = self.height = size

    def draw(self) -> None:
        matrix = self.qr.matrix
        count = len(matrix) + 8
        module = self.size / count
        canvas = self.canv
        canvas.setFillColor(colors.black)
        for row_index, row in enumerate(matrix):
            y = self.size - (row_index + 5) * module
            for column_index, dark in enumerate(row):
                if dark:
                    canvas.rect((column_index + 4) * module, y, module, module, stroke=0, fill=1)


class _Styles:
    def __init__(self) -> None:
        self.title = ParagraphStyle("title", fontName=BOLD, fontSize=15, leading=19, alignment=TA_LEFT)
        self.subtitle = ParagraphStyle(
            "subtitle", fontName=BOLD, fontSize=12, leading=16, textColor=colors.HexColor("#333333")
        )
        self.number = ParagraphStyle("number", fontName=BOLD, fontSize=12, leading=16, spaceBefore=4)
        self.authority = ParagraphStyle(
            "authority", fontName=REGULAR, fontSize=9, leading=12, textColor=colors.HexColor("#333333")
        )
        self.label = ParagraphStyle("label", fontName=REGULAR, fontSize=9, leading=11.5)
        self.label_ru = ParagraphStyle(
            "label_ru", fontName=REGULAR, fontSize=8, leading=10, textColor=colors.HexColor("#555555")
        )
        self.value = ParagraphStyle("value", fontName=REGULAR, fontSize=10, leading=13)
        self.note = ParagraphStyle("note", fontName=REGULAR, fontSize=8.5, leading=11)


def _bilingual(language: str, message: Any) -> list[str]:
    """The message in the person's language and in Russian (once when they are the same)."""
    texts = [_in(language, message)]
    if language != RUSSIAN:
        russian = _in(RUSSIAN, message)
        if russian != texts[0]:
            texts.append(russian)
    return texts


def _value(key: str, raw: str, language: str) -> str:
    """A content value as printed: countries and decisions named in both languages."""
    if key == "citizenship":
        names = [countries.name(raw, language)]
        if language != RUSSIAN:
            names.append(countries.name(raw, RUSSIAN))
        names = [name for index, name in enumerate(names) if name and name not in names[:index]]
        return " / ".join(names) or raw
    if key == "decision" and raw in DECISIONS:
        return " / ".join(_bilingual(language, DECISIONS[raw]))
    return raw


def rows(document: IssuedDocument) -> Iterator[tuple[Any, str]]:
    """The document's rows ``(label, value)``, in their fixed order, skipping what the content lacks."""
    content = content_of(document)
    for key, label in (*COMMON_ROWS, *KIND_ROWS[DocumentKind(document.kind)]):
        raw = content.get(key)
        if raw not in (None, ""):
            yield label, _value(key, str(raw), document.language)
    yield _("Valid from"), _date(document.valid_from)
    if document.valid_until:
        yield _("Valid until"), _date(document.valid_until)
    yield _("Date of issue"), _date(timezone.localtime(document.issued_at).date())
    if content.get("authority"):
        yield AUTHORITY_LABEL, str(content["authority"])


def _date_formatter(moment: datetime.datetime) -> Callable[..., str]:
    stamp = moment.astimezone(datetime.UTC).strftime("D:%Y%m%d%H%M%S+00'00'")
    return lambda *args: stamp


def render_pdf(document: IssuedDocument, *, check_url: str) -> bytes:
    """The document as PDF bytes; the same document and URL always give the same bytes."""
    register_fonts()
    language = document.language
    styles = _Styles()
    title = DocumentKind(document.kind).label
    titles = _bilingual(language, title)

    story: list[Flowable] = []
    content = content_of(document)
    if content.get("authority"):
        story.append(Paragraph(_markup(str(content["authority"])), styles.authority))
        story.append(Spacer(1, 4 * mm))
    story.append(Paragraph(_markup(titles[0]), styles.title))
    for other in titles[1:]:
        story.append(Paragraph(_markup(other), styles.subtitle))
    story.append(Paragraph(_markup(f"№ {document.number}"), styles.number))
    story.append(Spacer(1, 5 * mm))

    table_rows = []
    for label, value in rows(document):
        texts = _bilingual(language, label)
        cell = [Paragraph(_markup(texts[0]), styles.label)]
        cell += [Paragraph(_markup(text), styles.label_ru) for text in texts[1:]]
        table_rows.append([cell, Paragraph(_markup(value), styles.value)])
    table = Table(table_rows, colWidths=[62 * mm, 108 * mm])
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), REGULAR),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.4, colors.HexColor("#bbbbbb")),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
            ]
        )
    )
    story.append(table)
    story.append(Spacer(1, 8 * mm))

    notes = [
        Paragraph(_markup(text), styles.note)
        for text in _bilingual(language, _("Scan the QR code to check whether this document is valid."))
    ]
    notes.append(Paragraph(_markup(check_url), styles.note))
    check = Table([[QRCode(check_url, 38 * mm), notes]], colWidths=[42 * mm, 128 * mm])
    check.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), REGULAR),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (0, 0), 0),
            ]
        )
    )
    story.append(check)

    buffer = io.BytesIO()
    metadata_title = f"{_in(RUSSIAN, title)} № {document.number}"
    template = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=metadata_title,
        author=str(content.get("authority", "")),
        creator="",
        producer="",
        lang=language,
        invariant=1,
        # Without it the canvas starts in Helvetica, a base-14 font the PDF would name but not embed.
        initialFontName=REGULAR,
    )

    def fix_date(canvas: Canvas, doc: Any) -> None:
        canvas._doc.setDateFormatter(_date_formatter(document.issued_at))

    template.build(story, onFirstPage=fix_date, onLaterPages=fix_date)
    return buffer.getvalue()
