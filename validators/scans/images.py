"""Decoding images with Pillow within a pixel limit; their resolution and sharpness."""

from __future__ import annotations

import io
import math
from collections.abc import Mapping
from operator import mul
from typing import Any

from PIL import Image, ImageFilter

from validators import ResolutionTooLow, UnsafeContent

__all__ = [
    "ANALYSIS_SIZE",
    "LAPLACIAN",
    "check_image",
    "check_pixels",
    "draft",
    "metadata_dpi",
    "open_image",
    "sharpness",
    "variance",
]

#: Long side of the greyscale copy that sharpness is measured on.
ANALYSIS_SIZE = 1024
#: The smallest document: an ID-1 card, in inches.
_CARD_INCHES = (85.6 / 25.4, 54 / 25.4)
_GRID = 4
LAPLACIAN = ImageFilter.Kernel((3, 3), (0, 1, 0, 1, -4, 1, 0, 1, 0), scale=1, offset=128)


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


def check_image(data: bytes, kind: str, min_dpi: int, max_pixels: int) -> tuple[int, int, int | None, float]:
    """Verify and decode a JPEG or PNG; its width, height, resolution (if known) and sharpness."""
    image = open_image(data, kind, max_pixels)
    image.verify()
    image = open_image(data, kind, max_pixels)
    width, height = image.size
    dpi = metadata_dpi(image.info)
    if dpi is not None and dpi < min_dpi:
        raise ResolutionTooLow(params={"dpi": dpi, "min_dpi": min_dpi})
    check_pixels(width, height, min_dpi)
    if kind == "jpeg":
        draft(image)
    image.load()
    return width, height, dpi, sharpness(image)


def draft(image: Image.Image) -> None:
    """Have the JPEG decoder scale down (1/2, 1/4, 1/8) to the size sharpness is measured at."""
    factor = math.ceil(max(image.size) / ANALYSIS_SIZE)
    image.draft("L", (math.ceil(image.width / factor), math.ceil(image.height / factor)))


def check_pixels(width: int, height: int, min_dpi: int) -> None:
    """Refuse an image too small to hold an ID-1 card at ``min_dpi``."""
    need_long, need_short = (round(side * min_dpi) for side in _CARD_INCHES)
    if max(width, height) < need_long or min(width, height) < need_short:
        raise ResolutionTooLow(
            code="scan_too_few_pixels", params={"width": width, "height": height, "min_dpi": min_dpi}
        )


def sharpness(image: Image.Image) -> float:
    """Variance of the Laplacian of a greyscale copy at most ANALYSIS_SIZE pixels long."""
    if image.mode not in ("L", "LA", "RGB", "RGBA", "RGBX", "CMYK", "YCbCr"):
        if image.mode.startswith("I"):
            image = image.convert("I").point(lambda value: value * (1 / 256))
        image = image.convert("L")
    factor = math.ceil(max(image.size) / ANALYSIS_SIZE)
    if factor > 1:
        image = image.reduce(factor)
    grey = image.convert("L")
    if min(grey.size) < 2 + _GRID:
        return 0.0
    edges = grey.filter(LAPLACIAN)
    # The filter leaves the outermost pixels as they were: they are no edges. A document may fill
    # a small part of the page, so the sharpest of a grid of tiles counts, not the page's average.
    width, height = edges.width - 2, edges.height - 2
    tiles = (
        (
            1 + width * i // _GRID,
            1 + height * j // _GRID,
            1 + width * (i + 1) // _GRID,
            1 + height * (j + 1) // _GRID,
        )
        for i in range(_GRID)
        for j in range(_GRID)
    )
    return max(variance(edges.crop(box)) for box in tiles)


_LEVELS = range(256)
_SQUARES = [level * level for level in _LEVELS]


def variance(grey: Image.Image) -> float:
    """Variance of a greyscale image's pixels, from its histogram: ImageStat's figure, without its loops."""
    histogram = grey.histogram()
    count = sum(histogram)
    total = sum(map(mul, histogram, _LEVELS))
    squares = sum(map(mul, histogram, _SQUARES))
    return (float(squares) - float(total) ** 2 / count) / count
