"""The fonts embedded in the documents' PDFs, and the system check that they are there.

DejaVu Sans covers Latin (Uzbek ``ʻ`` included) and Cyrillic (Tajik, Kazakh and Kyrgyz letters
included); Chinese is set in WenQuanYi Micro Hei. Both are read from the system (Debian's
``fonts-dejavu-core`` and ``fonts-wqy-microhei``), at the paths the settings name.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from django.core import checks
from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from registration.core.conf import app_settings

#: Names the fonts are registered under in the PDF.
REGULAR, BOLD, CJK = "DocSans", "DocSans-Bold", "DocCJK"

#: Characters set in the CJK font: CJK radicals to ideographs (punctuation, kana and the unified
#: ideographs included), compatibility ideographs, CJK compatibility forms, full-width forms.
_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]+")


def font_paths() -> dict[str, str]:
    return {
        "PDF_FONT": app_settings.PDF_FONT,
        "PDF_FONT_BOLD": app_settings.PDF_FONT_BOLD,
        "PDF_CJK_FONT": app_settings.PDF_CJK_FONT,
    }


@cache
def _register(regular: str, bold: str, cjk: str) -> None:
    pdfmetrics.registerFont(TTFont(REGULAR, regular))
    pdfmetrics.registerFont(TTFont(BOLD, bold))
    # WenQuanYi Micro Hei comes as a collection (.ttc): its first face is the proportional one.
    pdfmetrics.registerFont(TTFont(CJK, cjk, subfontIndex=0))
    addMapping(REGULAR, 0, 0, REGULAR)
    addMapping(REGULAR, 1, 0, BOLD)
    addMapping(REGULAR, 0, 1, REGULAR)
    addMapping(REGULAR, 1, 1, BOLD)
    for bold_flag in (0, 1):
        for italic in (0, 1):
            addMapping(CJK, bold_flag, italic, CJK)


def register_fonts() -> None:
    """Register the documents' fonts with reportlab (once per set of paths)."""
    paths = font_paths()
    _register(paths["PDF_FONT"], paths["PDF_FONT_BOLD"], paths["PDF_CJK_FONT"])


def split_by_script(text: str) -> list[tuple[str, bool]]:
    """``text`` as runs ``(run, is_cjk)``: Chinese runs go to the CJK font, the rest to DejaVu."""
    runs: list[tuple[str, bool]] = []
    position = 0
    for match in _CJK.finditer(text):
        if match.start() > position:
            runs.append((text[position : match.start()], False))
        runs.append((match.group(), True))
        position = match.end()
    if position < len(text):
        runs.append((text[position:], False))
    return runs


def check_fonts(app_configs: object = None, **kwargs: object) -> list[checks.CheckMessage]:
    """Fail clearly when a font the PDFs embed is missing (the PDFs would fail on download)."""
    errors: list[checks.CheckMessage] = []
    for name, path in font_paths().items():
        if not path or not Path(path).is_file():
            errors.append(
                checks.Error(
                    f"The font for the documents' PDFs is missing: REGISTRATION_{name} = {path!r}.",
                    hint="Install the Debian packages fonts-dejavu-core and fonts-wqy-microhei, "
                    f"or point REGISTRATION_{name} at the font file.",
                    id="documents.E001",
                )
            )
    return errors
