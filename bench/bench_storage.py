"""Encrypted storage: writing and reading a 5 MB scan, against the plain folder it wraps, in one run."""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
django.setup()

from django.core.files.base import ContentFile  # noqa: E402
from django.core.files.storage import FileSystemStorage  # noqa: E402

from registration.core.storage import EncryptedStorage  # noqa: E402

SIZE = 5 * 1024 * 1024
RUNS = 15


def round_trip(storage, data: bytes) -> float:
    """Seconds to save ``data`` and read it back whole."""
    started = time.perf_counter()
    name = storage.save("bench/scan.png", ContentFile(data))
    with storage.open(name) as handle:
        assert len(handle.read()) == len(data)
    elapsed = time.perf_counter() - started
    storage.delete(name)
    return elapsed


def main() -> int:
    data = os.urandom(SIZE)  # incompressible, like a photographed scan
    with tempfile.TemporaryDirectory() as folder:
        plain = FileSystemStorage(location=os.path.join(folder, "plain"))
        encrypted = EncryptedStorage(location=os.path.join(folder, "encrypted"))
        times: dict[str, list[float]] = {"plain": [], "encrypted": []}
        for _ in range(RUNS):  # interleaved, so that both see the same machine load
            times["plain"].append(round_trip(plain, data))
            times["encrypted"].append(round_trip(encrypted, data))
    median = {kind: statistics.median(values) for kind, values in times.items()}
    print(f"5 MB scan, write + read, median of {RUNS}:")
    for kind, seconds in median.items():
        print(f"  {kind:10s} {seconds * 1000:7.1f} ms")
    print(
        f"  overhead   {median['encrypted'] / median['plain']:.1f}x "
        f"(+{(median['encrypted'] - median['plain']) * 1000:.1f} ms per scan)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
