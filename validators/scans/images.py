"""Decoding images with Pillow within a pixel limit; their resolution, sharpness and text direction."""

from __future__ import annotations

import io
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from PIL import Image

from validators import UnsafeContent
from validators.scans.analysis import ANALYSIS_SIZE, LAPLACIAN, Analysis, analyse, greyscale
from validators.scans.resolution import PhysicalSize, judge
from validators.scans.stripping import TRANSPOSE, orientation

__all__ = [
    "ANALYSIS_SIZE",
    "LAPLACIAN",
    "ROTATIONS",
    "Findings",
    "check_image",
    "draft",
    "metadata_dpi",
    "open_image",
    "sharpness",
    "upright_analysis",
]

#: Degrees clockwise that each EXIF orientation turns the stored pixels (mirrored ones are also flipped).
ROTATIONS = {1: 0, 2: 0, 3: 180, 4: 180, 5: 90, 6: 90, 7: 270, 8: 270}


def open_image(data: bytes, kind: str, max_pixels: int) -> Image.Image:
    """Open (not yet decode) an image of ``kind``; refuse one over ``max_pixels``."""
    image = Image.open(io.BytesIO(data), formats=[kind.upper()])
    if image.width * image.height > max_pixels:
        raise UnsafeContent(code="scan_too_many_pixels", params={"max_pixels": max_pixels})
    return image


def metadata_dpi(info: Mapping[Any, Any]) -> int | None:
    """The lower resolution written in the image's metadata, or ``None`` when there is no usable one."""
    try:
        values = [float(value) for value in info["dpi"]]
    except (KeyError, TypeError, ValueError):
        return None
    if not values or not all(math.isfinite(value) and value >= 1 for value in values):
        return None
    return round(min(values))


@dataclass(frozen=True)
class Findings:
    """What decoding an image (or a PDF's image) found."""

    width: int
    height: int
    #: The resolution written in the file (a PDF: the image's pixels against the size it is drawn at).
    dpi: int | None
    #: The resolution the document gets (see :mod:`validators.scans.resolution`).
    effective_dpi: int
    #: Degrees clockwise the EXIF orientation turns the image.
    rotation: int
    analysis: Analysis | None


def check_image(data: bytes, kind: str, min_dpi: int, max_pixels: int, size: PhysicalSize) -> Findings:
    """Verify and decode a JPEG or PNG; what it holds (see :class:`Findings`)."""
    image = open_image(data, kind, max_pixels)
    image.verify()
    image = open_image(data, kind, max_pixels)
    width, height = image.size
    dpi = metadata_dpi(image.info)
    resolution = judge(width, height, dpi, size, min_dpi)
    if kind == "jpeg":
        draft(image)
    image.load()
    turn = orientation(image.info.get("exif"))
    return Findings(width, height, dpi, resolution.dpi, ROTATIONS[turn], upright_analysis(image, turn))


def upright_analysis(image: Image.Image, turn: int = 1) -> Analysis:
    """The image's :class:`~validators.scans.analysis.Analysis`, turned upright by its EXIF orientation first."""
    grey = greyscale(image)
    if turn in TRANSPOSE:
        grey = grey.transpose(TRANSPOSE[turn])
    return analyse(grey)


def draft(image: Image.Image) -> None:
    """Have the JPEG decoder scale down (1/2, 1/4, 1/8) to the size sharpness is measured at."""
    factor = math.ceil(max(image.size) / ANALYSIS_SIZE)
    image.draft("L", (math.ceil(image.width / factor), math.ceil(image.height / factor)))


def sharpness(image: Image.Image) -> float:
    """The sharpness that at least half of the image's structured tiles reach (see :mod:`.analysis`)."""
    return analyse(greyscale(image)).sharpness
