"""gunicorn settings for production: `gunicorn -c config/gunicorn.py config.wsgi`.

Metrics (registration/core/metrics.py): every worker counts in files under ``PROMETHEUS_MULTIPROC_DIR``
(set here unless the environment sets it, before any worker imports prometheus-client), and ``/metrics``
adds them up. At start the files of processes that no longer run are removed (a live task worker's stay),
and a worker that exits is marked dead.
"""

import multiprocessing
import os
from pathlib import Path

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
max_requests = 2000
max_requests_jitter = 200
# Access logs show the path, never the query string: codes and tokens may travel in links; the request
# id (registration/core/logs.py) joins a line to the site's own records of that request.
accesslog = "-"
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms %({x-request-id}o)s'
errorlog = "-"
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")

METRICS_DIR = Path(
    os.environ.setdefault(
        "PROMETHEUS_MULTIPROC_DIR", str(Path(os.environ.get("DJANGO_VAR_DIR", "var")).resolve() / "prometheus")
    )
)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def on_starting(server) -> None:  # type: ignore[no-untyped-def]
    """Before the first worker: the metrics folder exists, without the files of processes gone."""
    METRICS_DIR.mkdir(parents=True, exist_ok=True)
    for path in METRICS_DIR.glob("*.db"):
        pid = path.stem.rpartition("_")[2]
        if not pid.isdigit() or not _running(int(pid)):
            path.unlink(missing_ok=True)


def child_exit(server, worker) -> None:  # type: ignore[no-untyped-def]
    """A worker has exited: its live gauges no longer count (its counters still add up)."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid, str(METRICS_DIR))
