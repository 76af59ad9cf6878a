"""Finding and reading the machine-readable zone on a scan or a photo (the ``ocr`` extra).

:func:`read` takes a path, bytes or a binary file holding a JPEG, PNG or PDF (a PDF's largest image
on its first pages is read) and returns the :class:`~validators.mrz.MRZ` of a zone whose every check
digit holds, or raises :class:`~validators.mrz.MRZNotFound` (``mrz_not_found``) or
:class:`~validators.mrz.MRZUnreadable` (``mrz_unreadable``, ``params['text']`` holding what was read).
The file limits are those of :func:`validators.scans.check`: at most 5 MB, at most 48 million pixels.

How it works, with OpenCV and NumPy only (nothing is sent anywhere or fetched):

1. Find. The picture, reduced to 1400 pixels, is binarised (dark ink on its neighbourhood), long
   straight strokes (edges of the document, rules) are taken out, and each line of text is smeared
   into a bar, horizontally and vertically; bars 15 or more times longer than high are the candidate
   lines, longest first (so a page turned by 90, 180 or 270 degrees and skewed a few degrees is found).
2. Cut. Around each candidate line (three line heights each side) the picture is turned level and
   cut out of the full-resolution picture (at most 3200 pixels); the text lines there are found by
   their ink (thin lines such as guilloche opened away), and each line cut into its 30, 36
   or 44 cells (the zone is printed on a fixed pitch); every two or three consecutive lines of equal
   length are tried, both ways up.
3. Recognise. Each cell goes through a small neural network (two layers, weights in ``ocrb.npz``)
   trained on OCR-B rendered at many resolutions, blurs, JPEG qualities, angles and lightings (see
   ``scripts/train_mrz.py``); it gives a probability for each of the 37 characters.
4. Decide. Each position takes the likeliest character its field allows (digits in dates and check
   digits, letters in states and names, ``M``/``F``/``X``/``<`` for sex), but only where that
   character is the network's own first choice, one of the classic confusions of it (0/O/Q/D/U,
   1/I, 2/Z, 5/S, 8/B, 6/G), or at least 20 % likely. Where a check digit fails, one character of
   its field (or the digit) may be changed to one of the network's next two choices (at least 10 %
   likely, or a classic confusion) when exactly one such change makes it hold; a field needing
   more than that is not repaired. Characters no check digit covers (names, states, a visa's
   optional data) must be at least 80 % likely (:data:`UNCHECKED_CONFIDENCE`). The result is then
   checked by :func:`validate` whole, and must be of the format its first letter says.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

try:
    import cv2
    import numpy as np
except ImportError as exc:  # pragma: no cover - exercised in a venv without the extra (test_packaging)
    raise ImportError(
        "validators.mrz.read needs the OCR extra: pip install 'gosuslugi-validators[ocr]' (OpenCV and NumPy)"
    ) from exc
from PIL import Image

from validators import FileDamaged, FileEmpty, FileTooLarge, FileTypeNotAllowed, UnsafeContent, ValidationError
from validators.mrz import FORMATS, MRZ, MRZNotFound, MRZUnreadable
from validators.mrz.deciding import _INDEX, ALPHABET, decide
from validators.scans import MAX_BYTES, MAX_PIXELS
from validators.scans.sniffing import KIND_NAMES, FileInput, sniff
from validators.scans.sniffing import read as read_bytes

__all__ = ["ALPHABET", "MODEL", "cells", "find_zones", "read", "recognise"]

MODEL = Path(__file__).with_name("ocrb.npz")
#: A cell is scaled to this many pixels (width, height) before recognition.
CELL = (16, 24)
#: Long side of the picture in which zones are looked for.
FIND_SIZE = 1400
#: Long side kept of the picture that is read (bigger pictures are reduced to it).
READ_SIZE = 3200
#: Candidate lines tried in a picture.
MAX_CANDIDATES = 8
#: PDF pages looked at.
PDF_PAGES = 4


# --- the file ---------------------------------------------------------------------------------------


def _image(data: bytes, kind: str, max_pixels: int) -> Image.Image:
    image = Image.open(io.BytesIO(data), formats=[kind.upper()])
    if image.width * image.height > max_pixels:
        raise UnsafeContent(code="scan_too_many_pixels", params={"max_pixels": max_pixels})
    if kind == "jpeg":
        # Decode at a reduced scale when the picture is far bigger than what is read.
        scale = max(image.size) // READ_SIZE
        if scale >= 2:
            image.draft("L", (image.width // scale, image.height // scale))
    return image


def _pdf_images(data: bytes, max_pixels: int) -> Iterator[Image.Image]:
    """Each page's largest image (an image XObject of the page's resources), its size checked before decoding."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    for page in reader.pages[:PDF_PAGES]:
        resources: Any = page.get("/Resources") or {}
        objects = {name: reference.get_object() for name, reference in (resources.get("/XObject") or {}).items()}
        sizes = {
            name: int(image.get("/Width", 0)) * int(image.get("/Height", 0))
            for name, image in objects.items()
            if image.get("/Subtype") == "/Image"
        }
        if any(pixels > max_pixels for pixels in sizes.values()):
            raise UnsafeContent(code="scan_too_many_pixels", params={"max_pixels": max_pixels})
        if sizes:
            name = max(sizes, key=sizes.__getitem__)
            if objects[name].get("/Filter") in ("/DCTDecode", ["/DCTDecode"]):
                # A JPEG (as scanners write): decoded here, at a reduced scale when it is big.
                yield _image(objects[name].get_data(), "jpeg", max_pixels)
            else:
                picture: Any = page.images[name].image
                yield picture


def _grey(image: Image.Image) -> np.ndarray:
    image = image.convert("L")
    if max(image.size) > READ_SIZE:
        scale = READ_SIZE / max(image.size)
        image = image.resize((round(image.width * scale), round(image.height * scale)), Image.Resampling.BOX)
    return np.asarray(image)


def _pictures(file: FileInput, max_bytes: int, max_pixels: int) -> Iterator[np.ndarray]:
    """The greyscale pictures of the file (one for an image; for a PDF, each page's largest image)."""
    data, _ = read_bytes(file, max_bytes + 1)
    if not data:
        raise FileEmpty()
    if len(data) > max_bytes:
        raise FileTooLarge(params={"max_size": f"{max_bytes / 1024 / 1024:g}", "size": len(data)})
    kind = sniff(data)
    if kind not in ("jpeg", "png", "pdf"):
        raise FileTypeNotAllowed(params={"kind": KIND_NAMES.get(kind, kind)})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            images = list(_pdf_images(data, max_pixels)) if kind == "pdf" else [_image(data, kind, max_pixels)]
            pictures = [_grey(image) for image in images]
        except ValidationError:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise UnsafeContent(code="scan_too_many_pixels", params={"max_pixels": max_pixels}) from None
        except Exception:  # any decoder failure on hostile bytes means a damaged file
            raise FileDamaged() from None
    yield from pictures


# --- finding the zone ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Zone:
    """A candidate line of a zone in a picture: its centre, length, angle (degrees) and height."""

    centre: tuple[float, float]
    length: float
    angle: float
    line_height: float


def _bars(mask: np.ndarray, width: int) -> list[tuple[tuple[float, float], tuple[float, float], float]]:
    """Smear text lines (at any angle) into bars; return their rotated rectangles, long side first."""
    found = []
    for angle in (0, 90):
        smeared = mask if angle == 0 else cv2.rotate(mask, cv2.ROTATE_90_CLOCKWISE)
        kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (width, 1))
        smeared = cv2.morphologyEx(smeared, cv2.MORPH_CLOSE, kernel)
        smeared = cv2.morphologyEx(smeared, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (width, 2)))
        contours, _ = cv2.findContours(smeared, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        for contour in contours:
            (cx, cy), (w, h), theta = cv2.minAreaRect(contour)
            if w < h:
                w, h, theta = h, w, theta + 90
            if h < 3 or w < 15 * h or w < 60:
                continue
            # The bar's fill: a text line fills its rectangle; a diagonal streak does not.
            if cv2.contourArea(contour) < 0.6 * w * h:
                continue
            if angle == 90:
                # Back to the unrotated picture: (x, y) in the rotated one is (y, H - 1 - x) there.
                cx, cy, theta = cy, mask.shape[0] - 1 - cx, theta - 90
            found.append(((cx, cy), (w, h), theta % 180))
    return found


def find_zones(grey: np.ndarray) -> list[Zone]:
    """Candidate zone lines (long thin bars of text), likeliest first, in the coordinates of ``grey``."""
    scale = min(1.0, FIND_SIZE / max(grey.shape))
    small = cv2.resize(grey, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else grey
    mask = cv2.adaptiveThreshold(small, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 25, 12)
    # Long straight strokes are edges of the document or rules, not characters: take them out.
    for kernel in ((31, 1), (1, 31)):
        mask = cv2.subtract(mask, cv2.morphologyEx(mask, cv2.MORPH_OPEN, np.ones(kernel[::-1], np.uint8)))
    bars = []
    for width in (5, 9, 15):
        bars += _bars(mask, width)
    # Longest first; a bar next to one already kept (the same zone) is left out.
    bars.sort(key=lambda bar: -bar[1][0])
    kept: list[Zone] = []
    for (x, y), (length, height), angle in bars:
        zone = Zone((x / scale, y / scale), length / scale, angle, height / scale)
        if all(
            np.hypot(zone.centre[0] - k.centre[0], zone.centre[1] - k.centre[1]) > 2.5 * k.line_height
            or abs((zone.angle - k.angle + 90) % 180 - 90) > 5
            for k in kept
        ):
            kept.append(zone)
    return kept[:MAX_CANDIDATES]


# --- cutting the cells ----------------------------------------------------------------------------------


def _level(grey: np.ndarray, zone: Zone) -> np.ndarray:
    """The zone's surroundings turned level and cut out (three lines each side), lines about 30 pixels high."""
    factor = min(4.0, 30 / max(zone.line_height, 1))
    width = round((zone.length * 1.1 + 4 * zone.line_height) * factor)
    height = round(zone.line_height * 11 * factor)
    matrix = cv2.getRotationMatrix2D(zone.centre, zone.angle, factor)
    matrix[0, 2] += width / 2 - zone.centre[0]
    matrix[1, 2] += height / 2 - zone.centre[1]
    return cv2.warpAffine(grey, matrix, (width, height), flags=cv2.INTER_AREA, borderMode=cv2.BORDER_REPLICATE)


def _runs(profile: np.ndarray, threshold: float, gap: int) -> list[tuple[int, int]]:
    """Runs of ``profile`` above ``threshold``, gaps shorter than ``gap`` bridged."""
    runs: list[list[int]] = []
    for index in np.flatnonzero(profile > threshold):
        if runs and index - runs[-1][1] <= gap:
            runs[-1][1] = int(index)
        else:
            runs.append([int(index), int(index)])
    return [(start, end + 1) for start, end in runs]


def cells(level: np.ndarray, lines: int, widths: tuple[int, ...]) -> Iterator[tuple[int, np.ndarray]]:
    """Cells of each set of ``lines`` consecutive text lines of equal length, cut into each of ``widths``.

    Each item is a width and an array (lines × width × 24 × 16) of ink from 0 to 1.
    """
    # Ink: darker than its surroundings in the slightly blurred zone (noise specks fall below it).
    blurred = cv2.GaussianBlur(level, (0, 0), 1.2)
    ink = cv2.adaptiveThreshold(blurred, 1, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 41, 12)
    # Thin lines (guilloche, rules) are thinner than the strokes of the characters: opened away.
    ink = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((3, 1), np.uint8))
    found = []
    for top, bottom in _runs(ink.mean(axis=1), 0.08, 1):
        if bottom - top < 8:
            continue
        columns = _runs(ink[top:bottom].mean(axis=0), 0.04, max(3, (bottom - top) // 2))
        # The line is the longest run (its glyphs are closer than half their height); specks are not.
        left, right = max(columns, key=lambda run: run[1] - run[0])
        found.append((top, bottom, left, right))
    lo, hi = np.percentile(level, 2), np.percentile(level, 98)
    norm = np.clip((hi - level.astype(np.float32)) / max(hi - lo, 1.0), 0, 1)
    for first in range(len(found) - lines + 1):
        rows = found[first : first + lines]
        lengths = [right - left for _, _, left, right in rows]
        heights = [bottom - top for top, bottom, _, _ in rows]
        if min(lengths) < 0.94 * max(lengths) or min(heights) < 0.6 * max(heights):
            continue
        if max(lengths) < 12 * max(heights):
            continue
        for width in widths:
            out = np.zeros((lines, width, CELL[1], CELL[0]), np.float32)
            for n, (top, bottom, left, right) in enumerate(rows):
                # The ink spans (width - 1) pitches and a glyph (about 0.7 of a pitch).
                pitch = (right - left) / (width - 0.3)
                h = bottom - top
                y0, y1 = max(0, round(top - 0.15 * h)), min(level.shape[0], round(bottom + 0.15 * h))
                for k in range(width):
                    x = left + k * pitch - 0.1 * pitch
                    x0, x1 = max(0, round(x)), round(x + 1.05 * pitch)
                    out[n, k] = cv2.resize(norm[y0:y1, x0 : max(x1, x0 + 1)], CELL, interpolation=cv2.INTER_AREA)
            yield width, out


# --- recognition ----------------------------------------------------------------------------------------


@cache
def _weights() -> dict[str, np.ndarray]:
    with np.load(MODEL) as model:
        return {name: model[name].astype(np.float32) for name in model.files}


def recognise(cell_images: np.ndarray) -> np.ndarray:
    """Probabilities (… × 37) of each character of :data:`ALPHABET` for cells (… × 24 × 16)."""
    w = _weights()
    x = cell_images.reshape(-1, CELL[0] * CELL[1])
    x = (x - x.mean(axis=1, keepdims=True)) / (x.std(axis=1, keepdims=True) + 0.05)
    hidden = np.maximum(x @ w["w1"] + w["b1"], 0)
    logits = hidden @ w["w2"] + w["b2"]
    logits -= logits.max(axis=1, keepdims=True)
    probabilities = np.exp(logits)
    probabilities /= probabilities.sum(axis=1, keepdims=True)
    result: np.ndarray = probabilities.reshape(*cell_images.shape[:-2], len(ALPHABET))
    return result


# --- reading ----------------------------------------------------------------------------------------------


def _read_zone(level: np.ndarray, today: date | None) -> tuple[MRZ | None, str, float]:
    """The zone read from a level cut (both ways up), or ``None`` with the likeliest text and its confidence."""
    attempts: list[tuple[float, str]] = []
    for upside_down in (False, True):
        image = cv2.rotate(level, cv2.ROTATE_180) if upside_down else level
        for lines, widths in ((2, (44, 36)), (3, (30,))):
            for width, cell_images in cells(image, lines, widths):
                probabilities = recognise(cell_images).reshape(lines * width, len(ALPHABET))
                confidence = float(probabilities.max(axis=1).mean())
                shapes = FORMATS[(width,) * lines]
                for fmt in dict.fromkeys(shapes.values()):
                    # A format is tried when its document-type letter (P, V, I, A, C) is a likely first character.
                    letters = [letter for letter, name in shapes.items() if name == fmt]
                    if max(probabilities[0][_INDEX[letter]] for letter in letters) < 0.05:
                        continue
                    found, text = decide(probabilities, fmt, today)
                    if found is not None:
                        return found, text, confidence
                    attempts.append((confidence, text))
    best_confidence, best_text = max(attempts, default=(0.0, ""))
    return None, best_text, best_confidence


def read(
    file: FileInput,
    *,
    max_bytes: int = MAX_BYTES,
    max_pixels: int = MAX_PIXELS,
    today: date | None = None,
) -> MRZ:
    """Find and read the zone on a scan or photo; raise :class:`MRZNotFound` or :class:`MRZUnreadable`."""
    read_text, read_confidence = "", 0.0
    for grey in _pictures(file, max_bytes, max_pixels):
        for zone in find_zones(grey):
            found, text, confidence = _read_zone(_level(grey, zone), today)
            if found is not None:
                return found
            if confidence > read_confidence:
                read_text, read_confidence = text, confidence
    if read_text:
        raise MRZUnreadable(params={"text": read_text})
    raise MRZNotFound()
