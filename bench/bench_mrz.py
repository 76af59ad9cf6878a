"""Reading the machine-readable zone from scans and photos: ``validators.mrz.read`` against PassportEye.

The corpus (bench/mrz_corpus.py, seeds from 1) is made in this run: ``MRZ_BENCH_COUNT`` random
documents (default 40, every ICAO format in turn) and the five ICAO specimen zones four times each,
scanned or photographed at various resolutions, angles, blurs, lightings and JPEG qualities. Both
readers read the same files, each in a process of its own (its peak memory is that process's):

* ours, in this interpreter (it needs the ``ocr`` extra and Debian's fonts-ocr-b for the corpus);
* PassportEye 2.2.2 (tesseract through Debian's ``tesseract-ocr``, scikit-image), installed by this
  benchmark in a venv of its own, ``var/bench-venv-passporteye``, never in the project's.

Time is CPU time (the process's and its children's, so tesseract's runs count), on one core
(``OMP_NUM_THREADS=1``), so that other work on the machine does not skew it; peak memory is the
largest resident size of the process (``VmHWM``), or of a tesseract child if larger.

A read is exact when the zone returned is the one printed, wrong when a zone is returned (for
PassportEye: one whose check digits it reports valid) that is not, and refused otherwise.

    python bench/bench_mrz.py [--count N] [--only ours|passporteye]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
VENV = ROOT / "var" / "bench-venv-passporteye"
PASSPORTEYE = "passporteye==2.2.2"
EXTENSIONS = {"jpeg": "jpg", "png": "png", "pdf": "pdf"}

# Each reader runs this in its own process: one file name per line on standard input, one JSON
# result per line out, and at the end the process's peak memory.
OURS = """
import json, resource, sys, time
from validators import ValidationError, mrz
def cpu():
    return sum(resource.getrusage(who).ru_utime + resource.getrusage(who).ru_stime
               for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
for path in sys.stdin.read().split():
    started, wall = cpu(), time.perf_counter()
    try:
        lines, status = list(mrz.read(path).lines), "read"
    except ValidationError as exc:
        lines, status = [], exc.code
    record = {"path": path, "lines": lines, "status": status, "seconds": cpu() - started}
    print(json.dumps({**record, "wall": time.perf_counter() - wall}))
# VmHWM, not ru_maxrss: the latter keeps the forking parent's peak across exec.
own = [int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM")][0]
print(json.dumps({"peak_kb": max(own, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)}))
"""
# Debian's tesseract 5 (eng model, a whitelist of the zone's characters, one block of text) reading the
# same level cuts of the same candidate zones as ours: the recogniser compared, the rest the same.
TESSERACT = """
import json, resource, subprocess, sys, time
import cv2
from validators import ValidationError, mrz
from validators.mrz import reading
def cpu():
    return sum(resource.getrusage(who).ru_utime + resource.getrusage(who).ru_stime
               for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
WHITELIST = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<"
def tesseract(image):
    png = cv2.imencode(".png", image)[1].tobytes()
    command = ["tesseract", "stdin", "stdout", "--psm", "6", "-c", "tessedit_char_whitelist=" + WHITELIST]
    out = subprocess.run(command, input=png, capture_output=True, env={"OMP_THREAD_LIMIT": "1"}).stdout
    return [line.replace(" ", "") for line in out.decode().splitlines() if line.strip()]
def read(path):
    for grey in reading._pictures(path, reading.MAX_BYTES, reading.MAX_PIXELS):
        for zone in reading.find_zones(grey):
            level = reading._level(grey, zone)
            for image in (level, cv2.rotate(level, cv2.ROTATE_180)):
                lines = tesseract(image)
                for n in (2, 3):
                    for k in range(len(lines) - n + 1):
                        try:
                            return list(mrz.validate("\\n".join(lines[k : k + n])).lines)
                        except ValidationError:
                            pass
    return []
for path in sys.stdin.read().split():
    started, wall = cpu(), time.perf_counter()
    try:
        lines = read(path)
    except ValidationError:
        lines = []
    status = "read" if lines else "none"
    record = {"path": path, "lines": lines, "status": status, "seconds": cpu() - started}
    print(json.dumps({**record, "wall": time.perf_counter() - wall}))
# VmHWM, not ru_maxrss: the latter keeps the forking parent's peak across exec.
own = [int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM")][0]
print(json.dumps({"peak_kb": max(own, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)}))
"""
# RapidOCR 1.4.4 (PP-OCR's detection, angle and recognition models on onnxruntime, shipped in its
# wheel) reading the same level cuts; installed in var/bench-venv-rapidocr when --rapidocr is given.
RAPIDOCR = TESSERACT.replace(
    "def tesseract(image):",
    "from rapidocr_onnxruntime import RapidOCR\nENGINE = RapidOCR()\ndef tesseract(image):\n"
    "    found = ENGINE(cv2.cvtColor(image, cv2.COLOR_GRAY2BGR))[0] or []\n"
    "    found.sort(key=lambda item: sum(point[1] for point in item[0]))\n"
    "    return [item[1].replace(' ', '').upper() for item in found]\n"
    "def unused(image):",
)
THEIRS = """
import json, resource, sys, time, warnings
warnings.simplefilter("ignore")
from passporteye import read_mrz
def cpu():
    return sum(resource.getrusage(who).ru_utime + resource.getrusage(who).ru_stime
               for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
for path in sys.stdin.read().split():
    started, wall = cpu(), time.perf_counter()
    try:
        found = read_mrz(path)
    except Exception as exc:
        found = None
    seconds, wall = cpu() - started, time.perf_counter() - wall
    if found is None:
        lines, status = [], "none"
    else:
        lines = [line.replace(" ", "") for line in found.aux["text"].split("\\n") if line.strip()]
        status = "valid" if found.valid else "invalid"
    print(json.dumps({"path": path, "lines": lines, "status": status, "seconds": seconds, "wall": wall}))
# VmHWM, not ru_maxrss: the latter keeps the forking parent's peak across exec.
own = [int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM")][0]
print(json.dumps({"peak_kb": max(own, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)}))
"""


def passporteye_python() -> Path | None:
    """The benchmark venv's interpreter, with PassportEye installed (made on first use)."""
    python = VENV / "bin" / "python"
    if not shutil.which("tesseract"):
        print("  PassportEye needs Debian's tesseract-ocr (apt-get install tesseract-ocr): skipped")
        return None
    if not python.exists() or subprocess.call([python, "-c", "import passporteye"], stderr=subprocess.DEVNULL):
        print(f"  installing {PASSPORTEYE} into {VENV.relative_to(ROOT)} ...", flush=True)
        subprocess.check_call([sys.executable, "-m", "venv", str(VENV)])
        subprocess.check_call([python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", PASSPORTEYE])
    return python


def rapidocr_python() -> Path:
    """A venv of RapidOCR (with pypdf, which the library needs), made on first use."""
    venv = ROOT / "var" / "bench-venv-rapidocr"
    python = venv / "bin" / "python"
    if not python.exists() or subprocess.call([python, "-c", "import rapidocr_onnxruntime"], stderr=subprocess.DEVNULL):
        print(f"  installing rapidocr-onnxruntime into {venv.relative_to(ROOT)} ...", flush=True)
        subprocess.check_call([sys.executable, "-m", "venv", str(venv)])
        install = [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
        subprocess.check_call([*install, "rapidocr-onnxruntime==1.4.4", "pypdf"])
    return python


def run(python: Path | str, program: str, paths: list[str]) -> tuple[dict[str, dict[str, object]], int]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
    done = subprocess.run(
        [python, "-c", program], input="\n".join(paths), capture_output=True, text=True, env=env, check=True
    )
    results, peak = {}, 0
    for line in done.stdout.splitlines():
        record = json.loads(line)
        if "peak_kb" in record:
            peak = record["peak_kb"]
        else:
            results[record["path"]] = record
    return results, peak


def score(results: dict[str, dict[str, object]], truth: dict[str, list[str]], theirs: bool) -> dict[str, float]:
    exact = wrong = refused = 0
    for path, lines in truth.items():
        record = results[path]
        if record["lines"] == lines:
            exact += 1
        elif record["status"] == ("valid" if theirs else "read"):
            wrong += 1
        else:
            refused += 1
    times = sorted(float(r["seconds"]) for r in results.values())
    return {
        "exact": exact,
        "wrong": wrong,
        "refused": refused,
        "median": statistics.median(times),
        "p95": times[max(0, round(0.95 * len(times)) - 1)],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description="MRZ reading benchmark")
    parser.add_argument("--count", type=int, default=int(os.environ.get("MRZ_BENCH_COUNT", "40")))
    parser.add_argument("--only", choices=["ours", "tesseract", "rapidocr", "passporteye"])
    parser.add_argument("--show", action="store_true", help="list each file's result")
    parser.add_argument("--rapidocr", action="store_true", help="also RapidOCR on our zones (its own venv)")
    options = parser.parse_args()
    sys.path.insert(0, str(HERE))
    import mrz_corpus

    if not mrz_corpus.OCR_B.exists():
        print("  the corpus needs Debian's fonts-ocr-b (apt-get install fonts-ocr-b): skipped")
        return 0
    with tempfile.TemporaryDirectory() as folder:
        truth, conditions = {}, {}
        for item in mrz_corpus.corpus(1, options.count):
            path = os.path.join(folder, f"{item.name}.{EXTENSIONS[item.kind]}")
            Path(path).write_bytes(item.data)
            truth[path], conditions[path] = list(item.lines), item.condition
        paths = list(truth)
        specimens = sum("specimen" in p for p in paths)
        print(f"{len(paths)} images ({len(paths) - specimens} random documents, {specimens} ICAO specimen zones)")
        rows = []
        if options.only != "passporteye":
            results, peak = run(sys.executable, OURS, paths)
            rows.append(("validators.mrz.read", score(results, truth, theirs=False), peak))
            if options.show:
                for path in paths:
                    r = results[path]
                    mark = "ok" if r["lines"] == truth[path] else r["status"]
                    print(f"  {Path(path).name:28s} {mark:16s} {r['seconds']:.2f}s {conditions[path]}")
        if options.only in (None, "tesseract") and shutil.which("tesseract"):
            results, peak = run(sys.executable, TESSERACT, paths)
            rows.append(("our zones + tesseract", score(results, truth, theirs=False), peak))
        if options.rapidocr or options.only == "rapidocr":
            results, peak = run(rapidocr_python(), RAPIDOCR, paths)
            rows.append(("our zones + RapidOCR", score(results, truth, theirs=False), peak))
        python = passporteye_python() if options.only in (None, "passporteye") else None
        if python:
            results, peak = run(python, THEIRS, paths)
            rows.append(("PassportEye 2.2.2", score(results, truth, theirs=True), peak))
    print("time: CPU seconds per image, one core")
    print(f"{'reader':22s} {'exact':>6s} {'wrong':>6s} {'refused':>8s} {'median':>8s} {'p95':>8s} {'peak MB':>8s}")
    for name, s, peak in rows:
        print(
            f"{name:22s} {s['exact']:6d} {s['wrong']:6d} {s['refused']:8d} "
            f"{s['median']:7.2f}s {s['p95']:7.2f}s {peak / 1024:8.0f}"
        )
    if rows and rows[0][0] == "validators.mrz.read" and rows[-1][0].startswith("PassportEye") and rows[-1][1]["exact"]:
        print(f"exact reads: {rows[0][1]['exact'] / rows[-1][1]['exact']:.1f}x PassportEye's")
    # Failing the run is for our own wrong reads only.
    return 1 if any(name == "validators.mrz.read" and s["wrong"] for name, s, _ in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
