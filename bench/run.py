"""Run every benchmark in this folder (bench_*.py), one after another, and print their reports."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    env = {**os.environ, "PYTHONPATH": str(HERE.parent)}
    env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    failed = 0
    for script in sorted(HERE.glob("bench_*.py")):
        print(f"== {script.stem}", flush=True)
        failed |= subprocess.call([sys.executable, str(script)], cwd=HERE.parent, env=env)
    return failed


if __name__ == "__main__":
    sys.exit(main())
