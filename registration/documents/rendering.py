"""A PDF's page as an image, with pypdfium2 (PDFium, the PDF engine of Chromium, as a wheel)."""

from __future__ import annotations

import io

import pypdfium2
from PIL import Image


def first_page_image(pdf: bytes, *, dpi: int = 110) -> Image.Image:
    """The first page, rendered at ``dpi``, as a Pillow image."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        page = document[0]
        bitmap = page.render(scale=dpi / 72)
        # to_pil() shares the bitmap's memory: copy the pixels before anything is closed.
        image: Image.Image = bitmap.to_pil().convert("RGB")
        bitmap.close()
        page.close()
        return image
    finally:
        document.close()


def first_page_png(pdf: bytes, *, dpi: int = 110) -> bytes:
    """The first page as PNG bytes."""
    buffer = io.BytesIO()
    first_page_image(pdf, dpi=dpi).save(buffer, "PNG", optimize=True)
    return buffer.getvalue()
