"""Running one piece of work in ten threads at once against PostgreSQL (for the test_races_* modules)."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.db import connections

ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))
WAYS = 10

#: Marks of a concurrent test: a real database server with one connection per thread.
postgres_race = [
    pytest.mark.skipif(not ON_POSTGRES, reason="the race needs a real concurrent database (PostgreSQL)"),
    pytest.mark.django_db(transaction=True),
]


@dataclass
class Outcomes:
    results: list[Any] = field(default_factory=list)
    errors: list[BaseException] = field(default_factory=list)
    seconds: float = 0.0

    def codes(self) -> list[str]:
        """The ``code`` of each error (a coded refusal), or its class name (an exception that leaked)."""
        return sorted(getattr(error, "code", type(error).__name__) for error in self.errors)


def together(work: Callable[[int], Any], ways: int = WAYS) -> Outcomes:
    """Run ``work(i)`` in ``ways`` threads released together by a barrier, each on its own connection."""
    barrier = threading.Barrier(ways)
    lock = threading.Lock()
    outcomes = Outcomes()

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            result = work(index)
        except Exception as error:
            with lock:
                outcomes.errors.append(error)
        else:
            with lock:
                outcomes.results.append(result)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(ways)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    outcomes.seconds = time.monotonic() - started
    return outcomes
