"""What an image shows: how much of it bears a document, how sharp that part is, which way its text runs.

Everything is measured on a greyscale copy at most :data:`ANALYSIS_SIZE` pixels long (a JPEG is
decoded at a reduced scale already), cut into a :data:`GRID` × :data:`GRID` grid of tiles:

* a tile has **structure** when its grey levels vary (standard deviation at half the analysis
  scale of at least :data:`STRUCTURE_LEVELS`): printed matter, a photo, a drawn line, even
  when blurred; a plain table, wall or scanner lid has none;
* a tile bears **content** when its ink (pixels at half the analysis scale darker than the brightest
  of their 5 × 5 neighbourhood by :data:`INK_LEVELS`) covers at least :data:`CONTENT_INK` of it and spans at least
  :data:`CONTENT_SPAN` of its rows and of its columns: lines of text, a photo, a stamp; a thin ruled
  line or frame does not, since it spans few rows (or few columns);
* the **sharpness** of a tile is the variance of the Laplacian (a 3 × 3 kernel) of its pixels at the
  analysis scale; the image's sharpness is the level that at least half of its structured tiles
  reach (the lower median), 0 without structure. An image with fewer than
  :data:`MIN_CONTENT_TILES` content tiles shows no document (:attr:`Analysis.has_content`).

So a blank page with a frame drawn on it shows no document; a blurred page with one sharp corner
scores what its blurred tiles score; a document photographed on a plain table is judged on the
tiles that show it; an ID-1 card scanned on an A4 flatbed (about 7 % of the page: a card of a few
lines of text has 9 content tiles) is judged on the card.

The **text direction** is read from the content tiles' projection profiles: where lines of text run
across a tile, the ink per row alternates between lines and the gaps between them, while the ink per
column is much more even; when the text runs down the tile, the two swap. A tile votes for the
direction whose profile varies at least :data:`PROFILE_RATIO` times more; the image lies sideways
only when at least :data:`MIN_VOTES` tiles vote and :data:`SIDEWAYS_SHARE` of the votes say so, and
only when its copy is at least :data:`MIN_DIRECTION_SIDE` pixels on its short side. Which way a
sideways page must be turned, and whether a page is upside down, are not judged: both need the
shape of the letters, which differs between scripts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from PIL import Image, ImageChops, ImageFilter, ImageMath

__all__ = [
    "ANALYSIS_SIZE",
    "CONTENT_INK",
    "CONTENT_SPAN",
    "GRID",
    "INK_LEVELS",
    "LAPLACIAN",
    "MIN_CONTENT_TILES",
    "MIN_DIRECTION_SIDE",
    "MIN_VOTES",
    "PROFILE_RATIO",
    "SIDEWAYS_SHARE",
    "STRUCTURE_LEVELS",
    "Analysis",
    "analyse",
    "greyscale",
    "tile_variances",
]

#: Long side of the greyscale copy that is measured.
ANALYSIS_SIZE = 1024
#: Tiles per side.
GRID = 16
#: Standard deviation of grey levels (at half the analysis scale) of a tile with structure.
STRUCTURE_LEVELS = 6.0
#: How much darker than the brightest of its neighbourhood a pixel is to be ink.
INK_LEVELS = 40
#: Share of a content tile's pixels that are ink.
CONTENT_INK = 0.08
#: Share of a content tile's rows, and of its columns, that hold ink.
CONTENT_SPAN = 0.3
#: Fewest content tiles an image of a document has (a card of a few lines on an A4 scan has 9).
MIN_CONTENT_TILES = 6
#: How many times more one profile of a tile varies than the other for the tile to vote.
PROFILE_RATIO = 2.0
#: Fewest voting tiles for a verdict on the text direction.
MIN_VOTES = 12
#: Share of the votes that must say "sideways" for the image to be called sideways.
SIDEWAYS_SHARE = 0.8
#: Shortest side (at the analysis scale) of an image whose text direction is judged: in a smaller
#: one, a tile holds a part of a letter rather than lines of text.
MIN_DIRECTION_SIDE = 480

LAPLACIAN = ImageFilter.Kernel((3, 3), (0, 1, 0, 1, -4, 1, 0, 1, 0), scale=1, offset=128)
_SCALE = 2  # the content and structure maps are at half the analysis scale
_INK = [255 if level >= INK_LEVELS else 0 for level in range(256)]
_ANY = [255 if level else 0 for level in range(256)]


@dataclass(frozen=True)
class Analysis:
    """What :func:`analyse` found."""

    #: The level of sharpness that at least half the structured tiles reach; 0 without structure.
    sharpness: float
    #: Tiles bearing content, and tiles with structure (out of ``GRID * GRID``).
    content_tiles: int
    structure_tiles: int
    #: Tiles whose text runs across, and tiles whose text runs down.
    across: int
    down: int

    @property
    def has_content(self) -> bool:
        """Whether enough tiles bear content for the image to show a document."""
        return self.content_tiles >= MIN_CONTENT_TILES

    @property
    def sideways(self) -> bool:
        """Whether the text clearly runs down the image: the page lies on its side."""
        votes = self.across + self.down
        return votes >= MIN_VOTES and self.down >= SIDEWAYS_SHARE * votes


_NOTHING = Analysis(sharpness=0.0, content_tiles=0, structure_tiles=0, across=0, down=0)


def greyscale(image: Image.Image) -> Image.Image:
    """A greyscale copy at most :data:`ANALYSIS_SIZE` pixels long."""
    if image.mode not in ("L", "LA", "RGB", "RGBA", "RGBX", "CMYK", "YCbCr"):
        if image.mode.startswith("I"):
            image = image.convert("I").point(lambda value: value * (1 / 256))
        image = image.convert("L")
    factor = math.ceil(max(image.size) / ANALYSIS_SIZE)
    if factor > 1:
        image = image.reduce(factor)
    return image.convert("L")


def analyse(image: Image.Image) -> Analysis:
    """Sharpness, content and text direction of an image (see the module's docstring)."""
    grey = greyscale(image)
    if min(grey.size) < GRID * _SCALE:
        return _NOTHING
    cols, rows = _small_size(grey.size)
    small = grey.resize((cols, rows), Image.Resampling.BOX)
    structure = [math.sqrt(level) for level in tile_variances(small)]
    ink = ImageChops.subtract(_local_max(small), small).point(_INK)
    ink_share = _tile_means(ink)
    by_row = ink.resize((GRID, rows), Image.Resampling.BOX)  # each tile's rows, averaged across
    by_column = ink.resize((cols, GRID), Image.Resampling.BOX)  # each tile's columns, averaged down
    row_span, col_span = _tile_means(by_row.point(_ANY)), _tile_means(by_column.point(_ANY))
    content = [
        share >= CONTENT_INK * 255 and row >= CONTENT_SPAN * 255 and col >= CONTENT_SPAN * 255
        for share, row, col in zip(ink_share, row_span, col_span, strict=True)
    ]
    structured = [deviation >= STRUCTURE_LEVELS for deviation in structure]
    content_count, structure_count = sum(content), sum(structured)
    if not structure_count:
        return Analysis(0.0, content_count, 0, 0, 0)
    # The Laplacian leaves the outermost pixels as they were: they are no edges.
    edges = grey.filter(LAPLACIAN).crop((1, 1, grey.width - 1, grey.height - 1))
    levels = sorted(level for level, keep in zip(tile_variances(edges), structured, strict=True) if keep)
    sharpness = levels[(len(levels) - 1) // 2]
    across = down = 0
    if min(grey.size) >= MIN_DIRECTION_SIDE:
        # A tile's row profile is its column of ``by_row``; its column profile, its row of ``by_column``.
        rows_vary, columns_vary = tile_variances(by_row), tile_variances(by_column)
        for keep, along, athwart in zip(content, rows_vary, columns_vary, strict=True):
            if keep and along > 0 and along >= PROFILE_RATIO * athwart:
                across += 1
            elif keep and athwart > 0 and athwart >= PROFILE_RATIO * along:
                down += 1
    return Analysis(sharpness, content_count, structure_count, across, down)


def _small_size(size: tuple[int, int]) -> tuple[int, int]:
    """The size at half the analysis scale, rounded to whole tiles."""
    return tuple(max(GRID, round(side / _SCALE / GRID) * GRID) for side in size)  # type: ignore[return-value]


def _local_max(image: Image.Image) -> Image.Image:
    """Each pixel's 5 × 5 neighbourhood's brightest level (a MaxFilter(5), ten times faster).

    The maximum is taken along rows, then along columns, over copies shifted by up to two pixels;
    the shift wraps around the edges, which touches only the outermost two pixels.
    """
    for shifts in (((1, 0), (2, 0), (-1, 0), (-2, 0)), ((0, 1), (0, 2), (0, -1), (0, -2))):
        brightest = image
        for dx, dy in shifts:
            brightest = ImageChops.lighter(brightest, ImageChops.offset(image, dx, dy))
        image = brightest
    return image


def _tile_means(image: Image.Image) -> list[float]:
    """Each tile's mean level, in row order."""
    means = image.resize((GRID, GRID), Image.Resampling.BOX)
    # get_flattened_data() replaces getdata() from Pillow 12.1 on.
    return list(getattr(means, "get_flattened_data", means.getdata)())


def tile_variances(image: Image.Image) -> list[float]:
    """Each tile's variance of levels, in row order: the mean of the squares less the square of the mean."""
    levels = image.convert("F")
    squares = ImageMath.lambda_eval(lambda names: names["a"] * names["a"], a=levels)
    means = _tile_means(levels)
    return [max(0.0, square - mean * mean) for square, mean in zip(_tile_means(squares), means, strict=True)]
