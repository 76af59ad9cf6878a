"""Speed and memory of the validators library, against baselines measured in the same run.

Run as ``python bench/bench_validators.py`` (``make bench``). It prints:

* bulk SNILS and INN throughput as ratios against python-stdnum's ``stdnum.ru.inn.validate`` (the
  baseline the issue names; python-stdnum has no SNILS module) and against a naive reference
  written the obvious way;
* ``scans.check`` time and peak memory for a ~5 MB JPEG, PNG and PDF, as ratios against one full
  Pillow decode (``Image.open`` + ``load``) of the same image. Peak memory is measured twice: with
  tracemalloc (Python allocations: the bytes read, copies, parser objects) and as the growth of the
  peak resident set size (VmHWM, Linux) of a fresh child process, which also sees Pillow's pixel
  buffers, allocated outside Python's allocator;
* ``scans.sanitise`` (the check, then the scan stripped of everything but the image) on the same
  files, and the two ways of stripping an image measured apart against the same decode: lossless
  segment stripping (what ``sanitise`` does) and re-encoding (what it does only to turn a photo
  upright: JPEG with the original's tables and subsampling, PNG compressed again);
* a verdict against the targets: throughput at least python-stdnum's, a scan check at most one full
  decode, peak memory at most 3 × the file's size; sanitising is judged on separate lines.

Exit status 0 whatever the verdicts: the figures are for reading, not a test.
"""

from __future__ import annotations

import contextlib
import gc
import io
import random
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PIL import Image, ImageDraw, ImageFont  # noqa: E402
from stdnum.ru import inn as stdnum_inn  # noqa: E402

from validators import ValidationError, inn, scans, snils  # noqa: E402

COUNT = 100_000
REPEAT = 3
MB = 1024 * 1024


# Throughput -----------------------------------------------------------------------------------


def naive_snils(number: str) -> str:
    """SNILS the obvious way: regex-free, int() per digit, generator sum."""
    number = "".join(c for c in number if c not in " -")
    if not number.isdigit() or len(number) != 11:
        raise ValueError("format")
    total = sum(int(d) * w for d, w in zip(number[:9], range(9, 0, -1), strict=True))
    if int(number[:9]) > 1001998 and f"{total % 101 % 100:02d}" != number[9:]:
        raise ValueError("checksum")
    return number


def naive_inn(number: str) -> str:
    """INN the obvious way."""
    number = "".join(c for c in number if c not in " -")
    if not number.isdigit() or len(number) not in (10, 12):
        raise ValueError("format")

    def check(digits: str, weights: tuple[int, ...]) -> str:
        return str(sum(int(d) * w for d, w in zip(digits, weights, strict=False)) % 11 % 10)

    if len(number) == 10:
        ok = check(number, (2, 4, 10, 3, 5, 9, 4, 6, 8)) == number[9]
    else:
        ok = (
            check(number, (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)) == number[10]
            and check(number, (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)) == number[11]
        )
    if not ok:
        raise ValueError("checksum")
    return number


def numbers(kind: str) -> list[str]:
    """COUNT numbers, three quarters valid, in the display form people type."""
    rng = random.Random(1)
    out = []
    for index in range(COUNT):
        if kind == "snils":
            digits = "".join(rng.choice("0123456789") for _ in range(9))
            check = snils.calc_check_digits(digits) if index % 4 else "00"
            out.append(f"{digits[:3]}-{digits[3:6]}-{digits[6:]} {check}")
        else:
            length = 12 if index % 2 else 10
            digits = "".join(rng.choice("0123456789") for _ in range(length))
            if index % 4:
                digits = (
                    digits[:9] + stdnum_inn.calc_company_check_digit(digits)
                    if length == 10
                    else digits[:10] + stdnum_inn.calc_personal_check_digits(digits)
                )
            out.append(digits)
    return out


def throughput(function: Callable[[str], object], values: list[str]) -> float:
    """Values per second, best of REPEAT."""
    best = float("inf")
    for _ in range(REPEAT):
        started = time.perf_counter()
        for value in values:
            with contextlib.suppress(ValueError):
                function(value)
        best = min(best, time.perf_counter() - started)
    return len(values) / best


# Scans ----------------------------------------------------------------------------------------


def page_image(noise: int) -> Image.Image:
    """An A4 page at 300 dpi: lines of text over scanner noise."""
    width, height = 2480, 3508
    image = Image.new("L", (width, height), 235)
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=36)
    for y in range(200, height - 200, 70):
        draw.text((180, y), "ПАСПОРТ  P<UTOERIKSSON<<ANNA<MARIA  L898902C3  1234 567890", fill=25, font=font)
    grain = Image.effect_noise((width, height), noise)
    return Image.blend(image, grain, 0.3)


def build_files() -> dict[str, bytes]:
    """A JPEG, a PNG and a PDF of about 5 MB (each under the 5 MB limit)."""
    page = page_image(60)
    files = {}
    for quality in (95, 92, 88, 80):
        buffer = io.BytesIO()
        page.convert("RGB").save(buffer, "JPEG", quality=quality, dpi=(300, 300))
        if buffer.tell() <= scans.MAX_BYTES - 64 * 1024:
            files["jpeg"] = buffer.getvalue()
            break
    for noise in (24, 16, 10, 6):
        buffer = io.BytesIO()
        page_image(noise).save(buffer, "PNG", dpi=(300, 300), compress_level=6)
        if buffer.tell() <= scans.MAX_BYTES:
            files["png"] = buffer.getvalue()
            break
    files["pdf"] = pdf_with(files["jpeg"], page.size)
    return files


def pdf_with(jpeg: bytes, size: tuple[int, int]) -> bytes:
    """One A4 page showing the JPEG at 300 dpi."""
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject, NumberObject

    writer = PdfWriter()
    width, height = size[0] / 300 * 72, size[1] / 300 * 72
    page = writer.add_blank_page(width, height)
    image = DecodedStreamObject()
    image.set_data(jpeg)
    image.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Image"),
            NameObject("/Width"): NumberObject(size[0]),
            NameObject("/Height"): NumberObject(size[1]),
            NameObject("/ColorSpace"): NameObject("/DeviceRGB"),
            NameObject("/BitsPerComponent"): NumberObject(8),
            NameObject("/Filter"): NameObject("/DCTDecode"),
        }
    )
    contents = DecodedStreamObject()
    contents.set_data(f"q {width:.2f} 0 0 {height:.2f} 0 0 cm /Im0 Do Q".encode())
    page[NameObject("/Contents")] = writer._add_object(contents)
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/XObject"): DictionaryObject({NameObject("/Im0"): writer._add_object(image)})}
    )
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def full_decode(path: Path) -> None:
    """The baseline: one full Pillow decode of the file."""
    with Image.open(path) as image:
        image.load()


def timed(function: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(REPEAT):
        started = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - started)
    return best


def traced_peak(function: Callable[[], object]) -> int:
    """Peak of Python allocations while ``function`` runs (its input already in memory)."""
    gc.collect()
    tracemalloc.start()
    tracemalloc.reset_peak()
    try:
        function()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


CHILD = """
import sys
sys.path.insert(0, {root!r})
from PIL import Image
from validators import scans
import pypdf


def high_water():
    # VmHWM belongs to this process's memory map; getrusage's ru_maxrss would carry the parent's.
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:")) * 1024


before = high_water()
if {what!r} == "check":
    scans.check({path!r})
else:
    with Image.open({path!r}) as image:
        image.load()
print(high_water() - before)
"""


def rss_growth(what: str, path: Path) -> int:
    """Growth of a fresh process's peak RSS (bytes) during a check or a full decode; -1 if unknown."""
    code = CHILD.format(root=str(ROOT), path=str(path), what=what)
    command = [sys.executable, "-c", code]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    return int(result.stdout.strip()) if result.returncode == 0 else -1


def sanitising(kind: str, data: bytes, path: Path, decode_time: float) -> list[tuple[str, bool]]:
    """Print sanitise's figures and the two ways of stripping apart, against the same run's decode."""
    from validators.scans.pdfclean import clean_pdf
    from validators.scans.stripping import reencode, strip_jpeg, strip_png

    ways: dict[str, Callable[[], object]] = {"sanitise": lambda: scans.sanitise(path)}
    if kind == "jpeg":
        ways["lossless"] = lambda: strip_jpeg(data, 300)
        ways["re-encode"] = lambda: reencode(data, "jpeg", 300)
    elif kind == "png":
        ways["lossless"] = lambda: strip_png(data)
        ways["re-encode"] = lambda: reencode(data, "png", 300)
    else:
        ways["rewrite"] = lambda: clean_pdf(data)
    verdicts = []
    for way, function in ways.items():
        spent, peak = timed(function), traced_peak(function)
        print(
            f"       {way:9} time {spent * 1000:6.1f} ms = {spent / decode_time:4.2f}x decode   "
            f"tracemalloc peak {peak / MB:5.2f} MB = {peak / len(data):4.2f}x file"
        )
        if way == "sanitise":
            verdicts.append((f"{kind} sanitise (check + strip) <= 1 full decode", spent <= decode_time))
            verdicts.append((f"{kind} sanitise peak (tracemalloc) <= 3x file size", peak <= 3 * len(data)))
    return verdicts


def main() -> int:
    started = time.perf_counter()
    print(f"validators benchmark (Python {sys.version.split()[0]}, best of {REPEAT})\n")
    verdicts: list[tuple[str, bool]] = []

    print(f"Bulk validation, {COUNT:,} numbers each (values per second; ratio = ours / baseline)")
    inns, snilses = numbers("inn"), numbers("snils")
    stdnum_rate = throughput(stdnum_inn.validate, inns)
    for label, ours, naive, values in (
        ("INN", inn.validate, naive_inn, inns),
        ("SNILS", snils.validate, naive_snils, snilses),
    ):
        ours_rate, naive_rate = throughput(ours, values), throughput(naive, values)
        print(
            f"  {label:6} ours {ours_rate:>10,.0f}/s   vs stdnum.ru.inn.validate "
            f"{ours_rate / stdnum_rate:5.2f}x   vs naive {ours_rate / naive_rate:5.2f}x"
        )
        verdicts.append((f"{label} throughput >= python-stdnum's", ours_rate >= stdnum_rate))
    print(f"  (stdnum.ru.inn.validate {stdnum_rate:,.0f}/s)")

    print("\nscans.check on ~5 MB files (ratio = check / one full Pillow decode of the same image)")
    files = build_files()
    folder = Path(tempfile.mkdtemp(prefix="bench-scans-"))
    for kind, data in files.items():
        image = data if kind != "pdf" else files["jpeg"]
        # Both sides read from disk, as an upload handler does: the bytes read count as memory.
        path, image_path = folder / f"scan.{kind}", folder / f"{kind}-image"
        path.write_bytes(data)
        image_path.write_bytes(image)
        info = scans.check(path)
        check_time = timed(lambda path=path: scans.check(path))
        decode_time = timed(lambda image_path=image_path: full_decode(image_path))
        check_peak = traced_peak(lambda path=path: scans.check(path))
        decode_peak = traced_peak(lambda image_path=image_path: full_decode(image_path))
        check_rss, decode_rss = rss_growth("check", path), rss_growth("decode", image_path)
        print(
            f"  {kind:4} {len(data) / MB:4.2f} MB {info.width}x{info.height} {info.dpi} dpi  "
            f"time {check_time * 1000:6.1f} ms vs {decode_time * 1000:6.1f} ms "
            f"= {check_time / decode_time:4.2f}x   "
            f"tracemalloc peak {check_peak / MB:5.2f} MB = {check_peak / len(data):4.2f}x file "
            f"(decode {decode_peak / MB:5.2f} MB)   RSS growth {check_rss / MB:6.1f} MB "
            f"vs decode {decode_rss / MB:6.1f} MB"
        )
        verdicts.append((f"{kind} check <= 1 full decode", check_time <= decode_time))
        verdicts.append((f"{kind} peak (tracemalloc) <= 3x file size", check_peak <= 3 * len(data)))
        verdicts += sanitising(kind, data, path, decode_time)
    print("\nTargets")
    for label, passed in verdicts:
        print(f"  {'PASS' if passed else 'FAIL'}  {label}")
    print(f"\n({time.perf_counter() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except ValidationError as exc:  # a generated file was refused: say so plainly
        print(f"benchmark file refused: {exc.code}: {exc}", file=sys.stderr)
        sys.exit(1)
