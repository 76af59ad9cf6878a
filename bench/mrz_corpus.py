"""A seeded corpus of machine-readable zones: scans and phone photos of made-up documents.

Every image is made here from a seed, nothing is downloaded: random holders (names, numbers, dates,
states) in each ICAO 9303 format, and the ICAO 9303 specimen zones (typed from the standard, not its
pictures), are printed in OCR-B (Debian's ``fonts-ocr-b``) at the ICAO pitch (2.54 mm) on a document
of the format's size, with a photo area, guilloche lines and printed labels above the zone. The page
is then scanned or photographed: resolution, rotation (0/90/180/270 and a few degrees of skew),
perspective, background (paper, textures, a table), lighting, blur, noise and JPEG quality vary; some
are PNG and some are PDF. The same seed gives the same bytes.

Used by ``bench/bench_mrz.py`` (``make bench``), by ``scripts/train_mrz.py`` (the reader's model,
from seeds the benchmark never uses) and by the tests.
"""

from __future__ import annotations

import io
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from validators import mrz

OCR_B = Path("/usr/share/fonts/opentype/ocr-b/OCRB.otf")
LABEL_FONTS = [
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"),
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
]
#: The ICAO 9303 specimens, one per format.
SPECIMENS = {
    "TD3": "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10",
    "TD2": "I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<\nD231458907UTO7408122F1204159<<<<<<<6",
    "TD1": "I<UTOD231458907<<<<<<<<<<<<<<<\n7408122F1204159UTO<<<<<<<<<<<6\nERIKSSON<<ANNA<MARIA<<<<<<<<<<",
    "MRV-A": "V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL8988901C4XXX4009078F96121096ZE184226B<<<<<<",
    "MRV-B": "V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<\nL8988901C4XXX4009078F9612109<<<<<<<<",
}
FORMATS = tuple(SPECIMENS)
#: Document sizes in mm (width, height): ID-3, ID-2, ID-1, the visa sticker and the small visa.
SIZES = {"TD3": (125, 88), "TD2": (105, 74), "TD1": (85.6, 54), "MRV-A": (120, 80), "MRV-B": (105, 74)}
STATES = ["UZB", "TJK", "KGZ", "KAZ", "CHN", "ARM", "AZE", "BLR", "IND", "TUR", "D<<", "VNM", "MDA", "GEO", "UTO"]
SURNAMES = [
    "KARIMOV", "RAKHMONOVA", "ABDULLAEV", "O<CONNOR", "NAZAROVA", "IVANOV", "LI", "WANG", "MUSTAFAYEV",
    "BEKMURODOV", "SMITH<JONES", "TOKTOGULOVA", "HOVHANNISYAN", "ZHOU", "DE<LA<CRUZ", "QUDRATOV",
]  # fmt: skip
GIVEN = [
    "ALISHER", "DILNOZA", "ZARINA", "JAMSHID", "OLGA", "XIAO<MING", "BAKHTIYOR", "SEVARA", "ANNA<MARIA",
    "ZHANNA", "QOBIL", "NIGORA", "BOBUR", "YULDUZ", "ARMEN", "FARRUKH<BEK", "",
]  # fmt: skip
ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


@dataclass(frozen=True)
class Sample:
    """One image of the corpus: its bytes, the zone it shows and how it was made."""

    name: str
    lines: tuple[str, ...]
    data: bytes
    kind: str
    condition: str


def _date(rng: random.Random, first: int, last: int) -> str:
    return f"{rng.randint(first, last) % 100:02d}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"


def _name_field(rng: random.Random, width: int) -> str:
    name = rng.choice(SURNAMES) + "<<" + rng.choice(GIVEN)
    return (name + "<" * width)[:width]


def random_zone(rng: random.Random, fmt: str) -> tuple[str, ...]:
    """A valid zone of ``fmt`` for a made-up holder."""
    c = mrz.calc_check_digit
    state, nationality = rng.choice(STATES), rng.choice(STATES)
    letters = "".join(rng.choice(ALNUM[:26]) for _ in range(rng.randint(1, 2)))
    number = (letters + "".join(rng.choice("0123456789") for _ in range(9)))[:9]
    if rng.random() < 0.2:
        number = "".join(rng.choice(ALNUM) for _ in range(rng.randint(7, 9)))
    number = (number + "<" * 9)[:9]
    birth, expiry = _date(rng, 1950, 2006), _date(rng, 2026, 2036)
    sex = rng.choice("MFMF<")
    if fmt == "TD1":
        optional = ("".join(rng.choice(ALNUM) for _ in range(rng.randint(0, 12))) + "<" * 15)[:15]
        optional_2 = ("".join(rng.choice("0123456789") for _ in range(rng.randint(0, 6))) + "<" * 11)[:11]
        line1 = ("I" + rng.choice("<D")) + state + number + c(number) + optional
        line2 = birth + c(birth) + sex + expiry + c(expiry) + nationality + optional_2
        line2 += c(line1[5:30] + line2[0:7] + line2[8:15] + line2[18:29])
        return line1, line2, _name_field(rng, 30)
    width = 44 if fmt in ("TD3", "MRV-A") else 36
    kind = {"TD3": "P<", "TD2": "I<", "MRV-A": "V" + rng.choice("<D"), "MRV-B": "V<"}[fmt]
    line1 = kind + state + _name_field(rng, width - 5)
    line2 = number + c(number) + nationality + birth + c(birth) + sex + expiry + c(expiry)
    if fmt == "TD3":
        personal = ("".join(rng.choice(ALNUM) for _ in range(rng.randint(0, 14))) + "<" * 14)[:14]
        digit = "<" if personal == "<" * 14 and rng.random() < 0.5 else c(personal)
        line2 += personal + digit
        line2 += c(line2[0:10] + line2[13:20] + line2[21:43])
    elif fmt == "TD2":
        line2 += "<" * 7
        line2 += c(line2[0:10] + line2[13:20] + line2[21:35])
    else:
        optional = "".join(rng.choice(ALNUM) for _ in range(rng.randint(0, 8)))
        line2 = (line2 + optional + "<" * width)[:width]
    return line1, line2


def _font(path: Path, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(path), size)


def render_document(lines: tuple[str, ...], fmt: str, dpi: float, rng: random.Random) -> Image.Image:
    """The document's page (RGB) at ``dpi``, its zone at the bottom in OCR-B at the ICAO pitch."""
    mm = dpi / 25.4
    width_mm, height_mm = SIZES[fmt]
    size = (round(width_mm * mm), round(height_mm * mm))
    tint = [rng.randint(205, 250) for _ in range(3)]
    page = Image.new("RGB", size, tuple(tint))
    draw = ImageDraw.Draw(page)
    # Guilloche: thin coloured waves over the page.
    colour = tuple(max(0, t - rng.randint(25, 70)) for t in tint)
    for k in range(rng.randint(4, 12)):
        phase, freq, amp = rng.random() * 6, rng.uniform(0.02, 0.08), rng.uniform(2, 9) * mm
        y0 = rng.uniform(0, size[1])
        points = [(x, y0 + amp * math.sin(freq * x / mm * 6 + phase + k)) for x in range(0, size[0], 3)]
        draw.line(points, fill=colour, width=max(1, round(0.15 * mm)))
    # Photo area and printed labels above the zone.
    lines_mm = 4.2 * len(lines) + 3
    photo = (round(4 * mm), round(8 * mm), round(30 * mm), round((height_mm - lines_mm - 2) * mm))
    if photo[3] > photo[1] + 10:
        grey = rng.randint(60, 170)
        draw.rectangle(photo, fill=(grey, grey - 10, grey - 20))
    label = _font(rng.choice(LABEL_FONTS), max(6, round(2.2 * mm)))
    y = 4 * mm
    words = ["PASSPORT", "SURNAME", "GIVEN NAMES", "DATE OF BIRTH", "NATIONALITY", "AUTHORITY", "SEX", "No"]
    while y < (height_mm - lines_mm - 5) * mm:
        text = " ".join(rng.choice(words) for _ in range(rng.randint(1, 3)))
        draw.text((36 * mm, y), text, fill=(40, 40, 60), font=label)
        y += rng.uniform(3.5, 6) * mm
    # The zone: each character on the 2.54 mm grid, lines 4.2 mm apart (as ICAO places them).
    ocr_b = _font(OCR_B, max(4, round(3.51 * mm * rng.uniform(0.97, 1.03))))
    ink = rng.randint(0, 45)
    x0 = (width_mm - 2.54 * len(lines[0])) / 2 * mm + rng.uniform(-1, 1) * mm
    top = (height_mm - 4.2 * len(lines) - 1.5) * mm
    for row, line in enumerate(lines):
        for column, character in enumerate(line):
            draw.text((x0 + column * 2.54 * mm, top + row * 4.2 * mm), character, fill=(ink, ink, ink), font=ocr_b)
    return page


def _background(size: tuple[int, int], rng: random.Random, np_rng: np.random.Generator) -> np.ndarray:
    """Paper, a wooden or cloth texture, or a dark table: an RGB array."""
    width, height = size
    style = rng.choice(["paper", "wood", "cloth", "table"])
    base = np.array([rng.randint(90, 250) for _ in range(3)], dtype=np.float32)
    if style == "paper":
        base = np.full(3, rng.randint(225, 255), dtype=np.float32)
    if style == "table":
        base = base * 0.4
    small = np_rng.normal(0, 1, (max(2, height // 40), max(2, width // 40), 1)).astype(np.float32)
    texture = cv2.resize(small, (width, height), interpolation=cv2.INTER_CUBIC)[..., None]
    if style == "wood":
        stripes = np.sin(np.linspace(0, rng.uniform(20, 60), height, dtype=np.float32))[:, None, None]
        texture = texture * 0.5 + stripes
    amount = {"paper": 3, "wood": 18, "cloth": 12, "table": 10}[style]
    grain = np_rng.standard_normal((height, width, 1), dtype=np.float32) * (amount / 3)
    return np.clip(base + texture * amount + grain, 0, 255)


def dpi_scale(page: Image.Image) -> float:
    """Blur is given for a 200 dpi picture of the document and grows with the resolution."""
    return max(page.size) / (125 / 25.4 * 200)


def photograph(page: Image.Image, rng: random.Random, mode: str) -> tuple[np.ndarray, str]:
    """Place the page on a background as a scanner or a phone would see it: an RGB array."""
    np_rng = np.random.default_rng(rng.randrange(2**32))
    document = np.asarray(page, dtype=np.float32)
    h, w = document.shape[:2]
    quarter = rng.choice([0, 0, 0, 1, 2, 3]) if mode == "photo" else rng.choice([0, 0, 0, 0, 1, 2, 3])
    skew = rng.uniform(-5, 5) if mode == "photo" else rng.uniform(-2.5, 2.5)
    angle = math.radians(quarter * 90 + skew)
    margin = rng.uniform(0.15, 1.2) if mode == "photo" else rng.uniform(0.1, 1.6)
    canvas_w = round(max(w, h) * (1 + margin))
    canvas_h = round(canvas_w * rng.uniform(0.7, 1.4))
    corners = np.array([[0, 0], [w, 0], [w, h], [0, h]], dtype=np.float32) - [w / 2, h / 2]
    rotation = np.array([[math.cos(angle), -math.sin(angle)], [math.sin(angle), math.cos(angle)]])
    placed = corners @ rotation.T
    span = placed.max(axis=0) - placed.min(axis=0)
    room = np.array([canvas_w, canvas_h]) - span
    if (room < 0).any():
        canvas_w, canvas_h = int(span[0] * 1.1) + 2, int(span[1] * 1.1) + 2
        room = np.array([canvas_w, canvas_h]) - span
    centre = -placed.min(axis=0) + [rng.uniform(0, room[0]), rng.uniform(0, room[1])]
    placed = placed + centre
    if mode == "photo":
        jitter = max(w, h) * rng.uniform(0.0, 0.04)
        placed = placed + np_rng.uniform(-jitter, jitter, placed.shape)
    source = (corners + np.array([w / 2, h / 2])).astype(np.float32)
    matrix = cv2.getPerspectiveTransform(source, placed.astype(np.float32))
    canvas = _background((canvas_w, canvas_h), rng, np_rng)
    warped = cv2.warpPerspective(document, matrix, (canvas_w, canvas_h), flags=cv2.INTER_LINEAR)
    mask = cv2.warpPerspective(np.ones((h, w), np.float32), matrix, (canvas_w, canvas_h), flags=cv2.INTER_LINEAR)
    image = canvas * (1 - mask[..., None]) + warped * mask[..., None]
    if mode == "photo":
        # Uneven light: a gradient across the picture, and a soft shadow or glare.
        gx, gy = np.meshgrid(np.linspace(-1, 1, canvas_w), np.linspace(-1, 1, canvas_h))
        slope = rng.uniform(-0.35, 0.35) * gx + rng.uniform(-0.35, 0.35) * gy
        image = image * (1 + slope[..., None]) * rng.uniform(0.7, 1.1)
        image += np_rng.standard_normal(image.shape[:2], dtype=np.float32)[..., None] * rng.uniform(1, 6)
    blur = rng.choice([0, 0, 0.5, 0.8, 1.1, 1.4]) if mode == "photo" else rng.choice([0, 0, 0.4, 0.7])
    condition = f"{mode} rot={quarter * 90 + skew:.1f} blur={blur}"
    result = np.clip(image, 0, 255).astype(np.uint8)
    if blur:
        result = cv2.GaussianBlur(result, (0, 0), blur * dpi_scale(page))
    return result, condition


def encode(image: np.ndarray, rng: random.Random, dpi: int, mode: str) -> tuple[bytes, str, str]:
    """JPEG (various qualities), PNG or a PDF holding a JPEG; under 5 MB."""
    picture = Image.fromarray(image)
    kind = rng.choices(["jpeg", "png", "pdf"], weights=[7, 2, 1] if mode == "scan" else [9, 1, 0])[0]
    quality = rng.randint(35, 92)
    buffer = io.BytesIO()
    if kind == "png":
        picture.convert("L" if rng.random() < 0.5 else "RGB").save(buffer, "PNG", dpi=(dpi, dpi))
        if buffer.tell() > 5 * 1024 * 1024:
            buffer, kind = io.BytesIO(), "jpeg"
    if kind == "pdf":
        picture.save(buffer, "PDF", resolution=dpi, quality=quality)
    elif kind == "jpeg":
        picture.save(buffer, "JPEG", quality=quality, dpi=(dpi, dpi))
    return buffer.getvalue(), kind, f"{kind} q={quality}" if kind != "png" else "png"


def sample(seed: int, fmt: str | None = None, specimen: bool = False) -> Sample:
    """The image of ``seed``: a random holder (or the ICAO specimen) in ``fmt`` (or a random format)."""
    rng = random.Random(seed)
    fmt = fmt or rng.choice(FORMATS)
    lines = tuple(SPECIMENS[fmt].split("\n")) if specimen else random_zone(rng, fmt)
    mode = rng.choice(["scan", "photo"])
    # Resolution of the document in the picture: a scan at 150-400 dpi, a photo at 110-300.
    dpi = rng.uniform(150, 400) if mode == "scan" else rng.uniform(110, 300)
    page = render_document(lines, fmt, dpi, rng)
    image, condition = photograph(page, rng, mode)
    data, kind, encoding = encode(image, rng, round(dpi), mode)
    label = "specimen" if specimen else "random"
    return Sample(f"{seed}-{fmt}-{label}", lines, data, kind, f"{fmt} {condition} dpi={dpi:.0f} {encoding}")


def corpus(first_seed: int, count: int, specimens: bool = True) -> Iterator[Sample]:
    """``count`` random samples from ``first_seed`` on, every format in turn; then each specimen 4 times."""
    for k in range(count):
        yield sample(first_seed + k, FORMATS[k % len(FORMATS)])
    if specimens:
        for k in range(4):
            for n, fmt in enumerate(FORMATS):
                yield sample(first_seed + count + k * len(FORMATS) + n, fmt, specimen=True)
