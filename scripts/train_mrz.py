"""Train the zone reader's character network (validators/mrz/ocrb.npz) on OCR-B rendered here.

    python -m scripts.train_mrz [--printed N] [--samples N] [--epochs E] [--bootstrap]

Needs the ``ocr`` extra and Debian's fonts-ocr-b (the corpus of bench/mrz_corpus.py). Two sources of
labelled cells, both from seeds the benchmark never uses (it starts at 1; these at 10 000 000):

1. ``--printed`` zones (default 2000) printed straight at the reader's scale (lines 18-32 pixels
   high) with blur, noise, a lower resolution, JPEG, a small tilt and stretch, cut into cells by
   ``reading.cells``. The weights in the library were trained on these alone (the defaults).
2. ``--samples`` whole corpus pictures (default 0: documents scanned and photographed) read through
   ``reading.find_zones``, ``_level`` and ``cells``, as ``read`` sees them; a zone is kept when the
   network agrees with the truth on most of it, which tells the right zone and the right way up.
   ``--bootstrap`` uses the weights in place for that instead of training on (1) first.

The network: 384 inputs (a 16 × 24 cell, standardised), 256 ReLU units, 37 outputs; Adam, soft-max
cross-entropy; fixed seeds. The weights are saved as float16.
"""

from __future__ import annotations

import argparse
import io
import random
import sys
import time
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

import mrz_corpus

from validators.mrz import reading

SEED = 10_000_000


def _labels(lines: tuple[str, ...]) -> np.ndarray:
    return np.array([reading.ALPHABET.index(c) for line in lines for c in line])


def printed(rng: random.Random, fmt: str) -> tuple[np.ndarray, np.ndarray] | None:
    """Cells of a zone printed straight at the reader's scale, with the labels."""
    lines = mrz_corpus.random_zone(rng, fmt) if rng.random() < 0.9 else tuple(mrz_corpus.SPECIMENS[fmt].split("\n"))
    pitch = rng.uniform(18, 32)
    font = ImageFont.truetype(str(mrz_corpus.OCR_B), round(pitch / 0.723))
    width, height = round(pitch * (len(lines[0]) + 4)), round(pitch * (1.66 * len(lines) + 2))
    paper = rng.randint(150, 255)
    image = Image.new("L", (width, height), paper)
    draw = ImageDraw.Draw(image)
    ink = rng.randint(0, max(0, paper - 90))
    for row, line in enumerate(lines):
        for column, character in enumerate(line):
            draw.text((pitch * (2 + column), pitch * (1 + 1.66 * row)), character, fill=ink, font=font)
    array = np.asarray(image, np.float32)
    angle, stretch = rng.uniform(-1.2, 1.2), rng.uniform(0.96, 1.04)
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), angle, 1.0)
    matrix[0] *= stretch
    array = cv2.warpAffine(array, matrix, (width, height), borderMode=cv2.BORDER_REPLICATE)
    blur = rng.choice([0, 0.6, 1.0, 1.5, 2.0, 2.6])
    if blur:
        array = cv2.GaussianBlur(array, (0, 0), blur)
    array += np.random.default_rng(rng.randrange(2**32)).standard_normal(array.shape, dtype=np.float32) * rng.uniform(
        0, 12
    )
    # Down to a lower resolution and back, as a small zone in a photo is.
    shrink = rng.choice([1, 1, 0.7, 0.5, 0.4])
    if shrink < 1:
        small = cv2.resize(array, None, fx=shrink, fy=shrink, interpolation=cv2.INTER_AREA)
        array = cv2.resize(small, (width, height), interpolation=cv2.INTER_LINEAR)
    level = np.clip(array, 0, 255).astype(np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(level).save(buffer, "JPEG", quality=rng.randint(30, 95))
    level = np.asarray(Image.open(buffer))
    for found_width, cell_images in reading.cells(level, len(lines), (len(lines[0]),)):
        assert found_width == len(lines[0])
        return cell_images.reshape(-1, reading.CELL[1], reading.CELL[0]), _labels(lines)
    return None


def photographed(seed: int, fmt: str) -> tuple[np.ndarray, np.ndarray] | None:
    """Cells of a corpus picture's zone as ``read`` cuts them, when the network's reading agrees."""
    item = mrz_corpus.sample(seed, fmt)
    labels = _labels(item.lines)
    best: tuple[float, np.ndarray] | None = None
    for grey in reading._pictures(item.data, reading.MAX_BYTES, reading.MAX_PIXELS):
        for zone in reading.find_zones(grey)[:3]:
            level = reading._level(grey, zone)
            for image in (level, cv2.rotate(level, cv2.ROTATE_180)):
                for _, cell_images in reading.cells(image, len(item.lines), (len(item.lines[0]),)):
                    flat = cell_images.reshape(-1, reading.CELL[1], reading.CELL[0])
                    agree = float((reading.recognise(flat).argmax(axis=1) == labels).mean())
                    if best is None or agree > best[0]:
                        best = (agree, flat)
    if best is None or best[0] < 0.75:
        return None
    return best[1], labels


def train(x: np.ndarray, y: np.ndarray, epochs: int, seed: int, hidden: int = 256) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = x.reshape(len(x), -1)
    x = (x - x.mean(axis=1, keepdims=True)) / (x.std(axis=1, keepdims=True) + 0.05)
    n_in, n_out = x.shape[1], len(reading.ALPHABET)
    params = {
        "w1": rng.standard_normal((n_in, hidden)).astype(np.float32) * np.sqrt(2 / n_in),
        "b1": np.zeros(hidden, np.float32),
        "w2": rng.standard_normal((hidden, n_out)).astype(np.float32) * np.sqrt(1 / hidden),
        "b2": np.zeros(n_out, np.float32),
    }
    moments = {k: (np.zeros_like(v), np.zeros_like(v)) for k, v in params.items()}
    step, rate = 0, 2e-3
    for epoch in range(epochs):
        order = rng.permutation(len(x))
        loss_sum = 0.0
        for start in range(0, len(x), 256):
            batch = order[start : start + 256]
            xb, yb = x[batch], y[batch]
            h = np.maximum(xb @ params["w1"] + params["b1"], 0)
            logits = h @ params["w2"] + params["b2"]
            logits -= logits.max(axis=1, keepdims=True)
            p = np.exp(logits)
            p /= p.sum(axis=1, keepdims=True)
            loss_sum += float(-np.log(p[np.arange(len(yb)), yb] + 1e-9).sum())
            g = p
            g[np.arange(len(yb)), yb] -= 1
            g /= len(yb)
            grads = {"w2": h.T @ g, "b2": g.sum(axis=0)}
            gh = (g @ params["w2"].T) * (h > 0)
            grads["w1"], grads["b1"] = xb.T @ gh + 1e-5 * params["w1"], gh.sum(axis=0)
            step += 1
            for k, grad in grads.items():
                m, v = moments[k]
                m *= 0.9
                m += 0.1 * grad
                v *= 0.999
                v += 0.001 * grad * grad
                params[k] -= rate * (m / (1 - 0.9**step)) / (np.sqrt(v / (1 - 0.999**step)) + 1e-8)
        rate *= 0.8
        print(f"epoch {epoch + 1}: loss {loss_sum / len(x):.4f}", flush=True)
    return params


def accuracy(params: dict[str, np.ndarray], x: np.ndarray, y: np.ndarray) -> float:
    reading._weights.cache_clear()
    np.savez(reading.MODEL, **{k: v.astype(np.float16) for k, v in params.items()})
    return float((reading.recognise(x).argmax(axis=1) == y).mean())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--printed", type=int, default=2000, help="zones printed at the reader's scale")
    parser.add_argument("--samples", type=int, default=0, help="corpus pictures read as read() does")
    parser.add_argument("--epochs", type=int, default=8)
    parser.add_argument(
        "--bootstrap", action="store_true", help="tell the zones of (2) with the model in place, not one trained on (1)"
    )
    options = parser.parse_args()
    rng = random.Random(SEED)  # noqa: S311 - a seeded training run, not a secret
    started = time.monotonic()
    xs, ys = [], []
    for k in range(options.printed):
        got = printed(rng, mrz_corpus.FORMATS[k % 5])
        if got:
            xs.append(got[0])
            ys.append(got[1])
    x, y = np.concatenate(xs), np.concatenate(ys)
    print(f"printed: {len(x)} cells in {time.monotonic() - started:.0f} s", flush=True)
    if not options.bootstrap:
        params = train(x, y, options.epochs, SEED)
        print(f"printed accuracy: {accuracy(params, x[:20000], y[:20000]):.4f}", flush=True)
    if options.samples:
        kept = 0
        for k in range(options.samples):
            got = photographed(SEED + 1000 + k, mrz_corpus.FORMATS[k % 5])
            if got:
                kept += 1
                xs.append(got[0])
                ys.append(got[1])
        x, y = np.concatenate(xs), np.concatenate(ys)
        print(f"photographed: kept {kept} of {options.samples}; {len(x)} cells, {time.monotonic() - started:.0f} s")
        params = train(x, y, options.epochs, SEED)
        print(f"accuracy: {accuracy(params, x[-20000:], y[-20000:]):.4f}")
    print(f"{reading.MODEL.name}: {reading.MODEL.stat().st_size} bytes, {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
