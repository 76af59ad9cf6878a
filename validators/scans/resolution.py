"""The resolution a document gets in an image: from a scanner's resolution, or from the pixels against its size.

A scanner writes the resolution it scanned at, and that figure is a measurement. A phone camera
writes 72 dpi whatever it photographs (and image editors 72 or 96), so a 3024 × 4032 photo would
be a page of 42 × 56 inches: that figure measures nothing. The resolution in a file is therefore
**measured** only when it is not 72 or 96 (:data:`DEFAULT_DPIS`) and the page it implies fits on a
scanner (:data:`SCANNER_BED_INCHES`, A3 and US ledger fit).

* A measured resolution must reach ``min_dpi``, and the image must hold at least an ID-1 card at
  ``min_dpi`` (a 300 dpi scan cropped to a card, a passport page or a migration card is as good as
  the whole flatbed).
* Otherwise (a photo, or no resolution at all) the image must be able to hold the document at
  ``min_dpi``: its shorter side the document's shorter side, its longer side the longer one. That
  is the resolution the document gets when it fills the frame; a photo with margins around the
  document gives it less, and the person is told to take the photo closer. The pixels are judged,
  not the document's edges in the photo (which are not looked for): a photo of a card taken from
  across the room with enough pixels is not refused by this rule.

The document's size is a :class:`PhysicalSize`: an ID-1 card (85.60 × 53.98 mm), an ID-3
passport page (125 × 88 mm), or A4 (210 × 297 mm), the ceiling for paper documents such as a
migration card, whose exact size varies.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from validators import ResolutionTooLow

__all__ = ["DEFAULT_DPIS", "SCANNER_BED_INCHES", "PhysicalSize", "Resolution", "judge", "measured"]

#: Resolutions that cameras and editors write without measuring anything.
DEFAULT_DPIS = frozenset({72, 96})
#: The largest page a flatbed or sheet-fed scanner takes, long side and short side, in inches.
SCANNER_BED_INCHES = (17.0, 12.0)
_MM_PER_INCH = 25.4


class PhysicalSize(enum.Enum):
    """A document's size on paper: long side and short side in millimetres."""

    #: An ID-1 card: a residence permit card, a national identity card.
    ID1 = (85.6, 53.98)
    #: An ID-3 passport page (the data page, or a page with a stamp).
    ID3 = (125.0, 88.0)
    #: A4: the ceiling for paper documents (a migration card, a patent, a registration slip).
    A4 = (297.0, 210.0)

    @property
    def millimetres(self) -> tuple[float, float]:
        return self.value

    def pixels(self, dpi: int) -> tuple[int, int]:
        """The pixels (long side, short side) that the document needs at ``dpi``."""
        long_side, short_side = self.millimetres
        return round(long_side / _MM_PER_INCH * dpi), round(short_side / _MM_PER_INCH * dpi)

    def effective_dpi(self, width: int, height: int) -> int:
        """The resolution the document gets when it fills an image of ``width`` × ``height`` pixels."""
        long_side, short_side = self.millimetres
        return round(min(max(width, height) / long_side, min(width, height) / short_side) * _MM_PER_INCH)


@dataclass(frozen=True)
class Resolution:
    """An image's resolution as judged: the figure and whether the file's own figure was believed."""

    dpi: int
    measured: bool


def measured(dpi: int | None, width: int, height: int) -> bool:
    """Whether a resolution written in a file measures something (see the module's docstring)."""
    if dpi is None or dpi < 1 or dpi in DEFAULT_DPIS:  # a PDF may draw an image at under 1 dpi
        return False
    long_bed, short_bed = SCANNER_BED_INCHES
    return max(width, height) / dpi <= long_bed and min(width, height) / dpi <= short_bed


def judge(width: int, height: int, dpi: int | None, size: PhysicalSize, min_dpi: int) -> Resolution:
    """The resolution the document gets; :class:`~validators.ResolutionTooLow` when below ``min_dpi``."""
    if measured(dpi, width, height):
        assert dpi is not None  # measured() says so
        if dpi < min_dpi:
            raise ResolutionTooLow(params={"dpi": dpi, "min_dpi": min_dpi})
        _hold(width, height, PhysicalSize.ID1, min_dpi)
        return Resolution(dpi, measured=True)
    _hold(width, height, size, min_dpi)
    return Resolution(size.effective_dpi(width, height), measured=False)


def _hold(width: int, height: int, size: PhysicalSize, min_dpi: int) -> None:
    """Refuse an image too small to hold the document at ``min_dpi``."""
    need_long, need_short = size.pixels(min_dpi)
    if max(width, height) < need_long or min(width, height) < need_short:
        need_width, need_height = (need_long, need_short) if width >= height else (need_short, need_long)
        raise ResolutionTooLow(
            code="scan_too_few_pixels",
            params={
                "width": width,
                "height": height,
                "need_width": need_width,
                "need_height": need_height,
                "min_dpi": min_dpi,
            },
        )
