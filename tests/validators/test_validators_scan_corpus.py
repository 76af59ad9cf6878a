"""Scan checks on the malformed-file corpus and on the shared corpus of real-world files."""

from __future__ import annotations

import io
import logging
import time
from pathlib import Path

import pytest
from PIL import Image
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

from validators import ValidationError, scans

#: ``shared/corpus`` beside the repository root.
CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
MAX_SECONDS = 2.0


def _javascript(writer):
    action = DictionaryObject(
        {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert(1);")}
    )
    writer._root_object[NameObject("/OpenAction")] = action
    writer._root_object[NameObject("/Names")] = DictionaryObject(
        {NameObject("/JavaScript"): DictionaryObject({NameObject("/Names"): ArrayObject()})}
    )


def _gif() -> bytes:
    buffer = io.BytesIO()
    Image.new("L", (1200, 800), 128).save(buffer, "GIF")
    return buffer.getvalue()


def _oversized(good_jpeg: bytes) -> bytes:
    """A valid JPEG padded after its end marker to 5 MB and one byte."""
    return good_jpeg + b"\x00" * (scans.MAX_BYTES + 1 - len(good_jpeg))


MALFORMED = {
    "empty": (lambda f: (b"", "scan.png"), "scan_empty"),
    "truncated": (lambda f: (f["good_png"][: len(f["good_png"]) // 2], "scan.png"), "scan_damaged"),
    "truncated jpeg": (lambda f: (f["good_jpeg"][:-2000], "scan.jpg"), "scan_damaged"),
    "wrong extension": (lambda f: (f["good_png"], "scan.jpg"), "scan_extension_mismatch"),
    "pixel bomb": (lambda f: (f["pixel_bomb"](20000, 20000), "scan.png"), "scan_too_many_pixels"),
    "PDF with JavaScript": (lambda f: (f["pdf"](extra=_javascript), "scan.pdf"), "scan_javascript"),
    "encrypted PDF": (lambda f: (f["pdf"](password="secret"), "scan.pdf"), "scan_encrypted"),
    "GIF": (lambda f: (_gif(), "scan.gif"), "scan_type_not_allowed"),
    "over 5 MB by one byte": (lambda f: (_oversized(f["good_jpeg"]), "scan.jpg"), "scan_too_large"),
    "150 dpi": (lambda f: (f["png_150"], "scan.png"), "scan_resolution_too_low"),
}


@pytest.fixture(scope="module")
def files(good_png, good_jpeg, pixel_bomb, make_pdf, page, encode):
    """What the malformed files are built from."""
    jpeg = encode(page(1240, 1754), "JPEG", quality=85)
    return {
        "good_png": good_png,
        "good_jpeg": good_jpeg,
        "pixel_bomb": pixel_bomb,
        "pdf": lambda **options: make_pdf([jpeg], inches=(1240 / 300, 1754 / 300), **options),
        "png_150": encode(page(), "PNG", dpi=(150, 150)),
    }


@pytest.mark.parametrize(("build", "code"), MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_files(files, build, code):
    """Each malformed file is refused with its own code."""
    data, name = build(files)
    with pytest.raises(ValidationError) as info:
        scans.check(data, name)
    assert info.value.code == code


def test_exactly_5_mb_is_accepted(good_jpeg):
    """A file of exactly 5 MB is not too large."""
    data = good_jpeg + b"\x00" * (scans.MAX_BYTES - len(good_jpeg))
    assert scans.check(data, "scan.jpg").size == scans.MAX_BYTES


def _corpus_files() -> list[Path]:
    if not CORPUS.is_dir():
        return []
    return sorted(path for folder in ("pillow", "pypdf") for path in (CORPUS / folder).iterdir())


@pytest.fixture(autouse=True)
def _quiet_pypdf():
    """pypdf logs every oddity of the damaged files; the verdicts are what is tested."""
    logging.disable(logging.WARNING)
    yield
    logging.disable(logging.NOTSET)


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"the shared corpus is missing ({CORPUS})")
@pytest.mark.parametrize("path", _corpus_files(), ids=lambda path: f"{path.parent.name}/{path.name}")
@pytest.mark.parametrize("strict", [True, False], ids=["defaults", "lenient"])
def test_corpus_file(path, strict):
    """Every corpus file gives a ScanInfo or a ValidationError, quickly.

    The lenient run (1 dpi, no sharpness floor) makes small images go all the way through decoding.
    """
    options = {} if strict else {"min_dpi": 1, "min_sharpness": 0}
    started = time.perf_counter()
    try:
        info = scans.check(path, **options)
    except ValidationError as exc:
        assert exc.code
    else:
        assert info.kind in ("pdf", "jpeg", "png")
    assert time.perf_counter() - started < MAX_SECONDS


ENCRYPTED = [
    "crazyones-encrypted-256.pdf",
    "encrypted-file.pdf",
    "encrypted_doc_no_id.pdf",
    "libreoffice-writer-password.pdf",
    *(path.name for path in _corpus_files() if path.name.startswith("encryption_r")),
]


@pytest.mark.parametrize("name", ENCRYPTED)
def test_corpus_encrypted_pdfs(corpus, name):
    """Every encrypted PDF of the corpus is refused as encrypted, whatever its password."""
    with pytest.raises(ValidationError) as info:
        scans.check(corpus / "pypdf" / name)
    assert info.value.code == "scan_encrypted"


def test_corpus_unencrypted_pdf_is_not_called_encrypted(corpus):
    """The corpus's unencrypted twin is judged on its content, not as encrypted."""
    with pytest.raises(ValidationError) as info:
        scans.check(corpus / "pypdf" / "encryption_unencrypted.pdf")
    assert info.value.code != "scan_encrypted"
