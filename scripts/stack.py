"""The production stack on loopback: PostgreSQL, Redis and gunicorn app servers with production settings.

Used by ``make serve-prod`` (this module's command line), ``make load`` and the multi-process proofs in
``tests/production/``. Everything runs from Debian's ``postgresql`` and ``redis-server`` packages in a
throwaway folder; nothing listens beyond 127.0.0.1. Stand-ins play the outside world: an HTTP SMS gateway
and an SMTP server (``scripts/stand_ins.py``), both recording what they receive (and printing it for
``serve-prod``), the agencies' registries' simulator (``registration/registries/simulator``), asked
by a background worker (``manage.py db_worker``) as in production, and the payment provider's simulator
(``registration/payments/simulator``), which sends its signed webhooks to the first app server.
"""

from __future__ import annotations

import argparse
import contextlib
import glob
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from registration.payments.simulator import PaymentSimulator
from registration.registries.simulator import RegistrySimulator
from scripts.stand_ins import MailServer, SmsGateway, free_port

ROOT = Path(__file__).resolve().parent.parent


def postgres_bin() -> Path | None:
    """The newest PostgreSQL server binaries installed from Debian's packages, if any."""
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: [int(x) for x in re.findall(r"\d+", p)])
    for candidate in reversed(candidates):
        if (Path(candidate) / "pg_ctl").exists():
            return Path(candidate)
    return None


def missing_binaries() -> list[str]:
    """What the stack needs and this machine lacks."""
    missing = []
    if postgres_bin() is None:
        missing.append("PostgreSQL (apt-get install postgresql)")
    if shutil.which("redis-server") is None:
        missing.append("Redis (apt-get install redis-server)")
    return missing


def wait_for(check, timeout: float, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(Exception):
            if check():
                return
        time.sleep(0.1)
    raise RuntimeError(f"{what} did not start within {timeout:g} s")


def _as_postgres(command: str) -> list[str]:
    """Run ``command`` as the ``postgres`` user when we are root (initdb refuses root)."""
    if os.geteuid() == 0:
        return ["su", "postgres", "-s", "/bin/sh", "-c", command]
    return ["/bin/sh", "-c", command]


def _no_control_socket() -> list[str]:
    """Newer gunicorns open a control socket at one fixed path; several servers on a machine would share it."""
    from gunicorn.config import KNOWN_SETTINGS

    return ["--no-control-socket"] if any("--no-control-socket" in (s.cli or []) for s in KNOWN_SETTINGS) else []


@dataclass
class AppServer:
    port: int
    process: subprocess.Popen
    name: str

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@dataclass
class Stack:
    """PostgreSQL, Redis, the stand-ins and any number of gunicorn app servers sharing them."""

    pg_port: int = 54341
    redis_port: int = 6391
    workers: int = 2
    threads: int = 4
    echo: bool = False
    # Scans in an S3-compatible bucket (moto's server on loopback, a development dependency).
    s3_port: int | None = None
    extra_env: dict[str, str] = field(default_factory=dict)
    # Schedulers (manage.py run_scheduler) started with the stack; 0 where a test runs the periodic work by hand.
    schedulers_at_start: int = 1
    base: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="registration-stack-")))
    servers: list[AppServer] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.pg_bin = postgres_bin()
        self.pg_data = self.base / "pg"
        self.files = self.base / "files"
        self.logs = self.base / "logs"
        self.redis: subprocess.Popen | None = None
        self.s3: subprocess.Popen | None = None
        self.sms: SmsGateway | None = None
        self.mail: MailServer | None = None
        self.registries: RegistrySimulator | None = None
        self.payments: PaymentSimulator | None = None
        self.worker: subprocess.Popen | None = None
        self.schedulers: list[subprocess.Popen[bytes]] = []
        self.secret_key = secrets.token_urlsafe(50)
        self.payment_secret = secrets.token_urlsafe(40)
        # The first app server's port: the payment provider returns people and sends webhooks there.
        self.site_port = free_port()
        self.metrics_token = secrets.token_urlsafe(32)

    # PostgreSQL ---------------------------------------------------------------------------------

    @property
    def database_url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.pg_port}/registration"

    def _pg_ctl(self, action: str, *extra: str) -> None:
        options = f"-h 127.0.0.1 -p {self.pg_port} -k {self.pg_data} -F -c max_connections=200"
        command = f"{self.pg_bin}/pg_ctl -D {self.pg_data} -o '{options}' -l {self.pg_data}/server.log -w {action}"
        subprocess.run(_as_postgres(" ".join([command, *extra])), check=True, capture_output=True, timeout=60)

    def start_postgres(self) -> None:
        if self.pg_bin is None:
            raise RuntimeError("PostgreSQL is not installed")
        self.pg_data.mkdir(parents=True)
        if os.geteuid() == 0:
            shutil.chown(self.base, "postgres")
            shutil.chown(self.pg_data, "postgres")
        initdb = f"{self.pg_bin}/initdb -D {self.pg_data} -U postgres --auth=trust -E UTF8 --locale=C.UTF-8"
        subprocess.run(_as_postgres(initdb), check=True, capture_output=True, timeout=120)
        self._pg_ctl("start")
        subprocess.run(
            [f"{self.pg_bin}/createdb", "-h", "127.0.0.1", "-p", str(self.pg_port), "-U", "postgres", "registration"],
            check=True,
            capture_output=True,
            timeout=30,
        )

    def stop_postgres(self, mode: str = "fast") -> None:
        self._pg_ctl("stop", "-m", mode)

    def restart_postgres(self) -> None:
        self._pg_ctl("start")

    # Redis ----------------------------------------------------------------------------------------

    def start_redis(self) -> None:
        self.redis = subprocess.Popen(
            ["redis-server", "--port", str(self.redis_port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(lambda: socket.create_connection(("127.0.0.1", self.redis_port), 0.2).close() or True, 10, "Redis")

    # S3 -------------------------------------------------------------------------------------------

    S3_BUCKET = "registration-scans"

    def start_s3(self) -> None:
        """An S3-compatible server (moto) on loopback, with the private scans bucket."""
        assert self.s3_port is not None
        self.logs.mkdir(parents=True, exist_ok=True)
        self.s3 = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.s3_port)],
            stdout=open(self.logs / "s3.log", "ab"),  # noqa: SIM115 (kept open for the process's lifetime)
            stderr=subprocess.STDOUT,
        )
        wait_for(lambda: socket.create_connection(("127.0.0.1", self.s3_port), 0.2).close() or True, 30, "S3")
        self.s3_client().create_bucket(Bucket=self.S3_BUCKET)

    def s3_client(self):  # type: ignore[no-untyped-def]
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=f"http://127.0.0.1:{self.s3_port}",
            aws_access_key_id="loopback",
            aws_secret_access_key="loopback",  # noqa: S106 (the stand-in's fixed credentials)
            region_name="us-east-1",
        )

    def s3_keys(self, prefix: str = "") -> list[str]:
        listing = self.s3_client().list_objects_v2(Bucket=self.S3_BUCKET, Prefix=prefix)
        return [item["Key"] for item in listing.get("Contents", [])]

    # The application --------------------------------------------------------------------------------

    @property
    def env(self) -> dict[str, str]:
        """The environment of every app server: production settings, shared database, cache and files."""
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(
                (
                    "DJANGO_",
                    "DATABASE_",
                    "CACHE_",
                    "REGISTRATION_",
                    "SMS_",
                    "EMAIL_",
                    "SCANS_",
                    "REGISTRY_",
                    "TASKS_",
                    "PAYMENT_",
                )
            )
        }
        env.update(
            {
                "DJANGO_SETTINGS_MODULE": "config.settings.production",
                "DJANGO_SECRET_KEY": self.secret_key,
                "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
                "DATABASE_URL": self.database_url,
                "DATABASE_CONN_MAX_AGE": "60",
                "CACHE_URL": f"redis://127.0.0.1:{self.redis_port}/0",
                # Plain HTTP on loopback: no redirect to HTTPS, and no HSTS for 127.0.0.1 in your browser.
                "DJANGO_SECURE_SSL_REDIRECT": "false",
                "DJANGO_SECURE_HSTS_SECONDS": "0",
                # make serve-prod loads the demo log-ins into this throw-away stack.
                "DJANGO_DEMO_DATA": "true",
                "DJANGO_VAR_DIR": str(self.files),
                "DJANGO_STATIC_ROOT": str(self.files / "static"),
                "SCANS_DIR": str(self.files / "scans"),
                "WIZARD_FILES_DIR": str(self.files / "wizard"),
                "SMS_BACKEND": "registration.codes.sms.HttpGatewayBackend",
                "SMS_GATEWAY_URL": self.sms.url if self.sms else "http://127.0.0.1:9/",
                "SMS_GATEWAY_TOKEN": "loopback",
                "SMS_GATEWAY_RETRIES": "0",
                "SMS_GATEWAY_TIMEOUT": "2",
                "REGISTRY_URL": self.registries.url if self.registries else "",
                "REGISTRY_TOKEN": "loopback",
                "REGISTRY_SIGNING_KEY": self.secret_key[:32],
                "REGISTRY_TIMEOUT": "2",
                "PAYMENT_URL": self.payments.url if self.payments else "",
                "PAYMENT_SHOP_ID": "loopback-shop",
                "PAYMENT_SECRET": self.payment_secret,
                "PUBLIC_URL": f"http://127.0.0.1:{self.site_port}",
                "PAYMENT_TIMEOUT": "2",
                "EMAIL_HOST": "127.0.0.1",
                "EMAIL_PORT": str(self.mail.port if self.mail else 25),
                "DJANGO_LOG_LEVEL": "WARNING",
                "DJANGO_REQUEST_LOG_LEVEL": "WARNING",
                # Every process of the stack (app servers, worker) counts in one folder; /metrics adds them up.
                "PROMETHEUS_MULTIPROC_DIR": str(self.base / "prometheus"),
                "REGISTRATION_METRICS_TOKEN": self.metrics_token,
                "PYTHONUNBUFFERED": "1",
            }
        )
        if self.s3_port is not None:
            env.update(
                {
                    "SCANS_STORAGE": "s3",
                    "SCANS_S3_BUCKET": self.S3_BUCKET,
                    "SCANS_S3_ENDPOINT_URL": f"http://127.0.0.1:{self.s3_port}",
                    "SCANS_S3_REGION": "us-east-1",
                    "SCANS_S3_ACCESS_KEY": "loopback",
                    "SCANS_S3_SECRET_KEY": "loopback",
                }
            )
        env.update(self.extra_env)
        return env

    def manage(self, *args: str) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=300
        )
        if result.returncode:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result.stdout

    def start_app(self, port: int | None = None, name: str = "") -> AppServer:
        """Start one more gunicorn app server and wait until it answers."""
        if port is None:
            port = self.site_port if all(server.port != self.site_port for server in self.servers) else free_port()
        name = name or f"app{len(self.servers) + 1}"
        self.logs.mkdir(parents=True, exist_ok=True)
        log = open(self.logs / f"{name}.log", "ab")  # noqa: SIM115 (kept open for the process's lifetime)
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi:application",
                "--config=config/gunicorn.py",
                f"--bind=127.0.0.1:{port}",
                f"--workers={self.workers}",
                f"--threads={self.threads}",
                "--worker-class=gthread",
                "--timeout=30",
                "--graceful-timeout=5",
                "--max-requests=0",
                *_no_control_socket(),
            ],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        server = AppServer(port, process, name)
        # Ready, not just alive: database, cache, scans storage, migrations and the task worker (/readyz).
        wait_for(lambda: urllib.request.urlopen(f"{server.url}/readyz", timeout=5).status == 200, 60, name)  # noqa: S310
        self.servers.append(server)
        return server

    def scrape(self, server: AppServer | None = None) -> str:
        """The Prometheus metrics of the stack's processes, as an app server serves them on /metrics."""
        server = server or self.servers[0]
        request = urllib.request.Request(  # noqa: S310 (loopback)
            f"{server.url}/metrics", headers={"Authorization": f"Bearer {self.metrics_token}"}
        )
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.read().decode()

    def start_worker(self) -> subprocess.Popen:
        """The background worker (``manage.py db_worker``): it runs the queued registry checks."""
        self.logs.mkdir(parents=True, exist_ok=True)
        self.worker = subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--no-startup-delay", "--no-reload", "--interval", "0.2"],
            cwd=ROOT,
            env=self.env,
            stdout=open(self.logs / "worker.log", "ab"),  # noqa: SIM115 (kept open for the process's lifetime)
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        return self.worker

    def start_scheduler(self) -> subprocess.Popen[bytes]:
        """A scheduler (``manage.py run_scheduler``): it queues the periodic work for the worker. Start several to
        see each period queued once."""
        self.logs.mkdir(parents=True, exist_ok=True)
        process = subprocess.Popen(
            [sys.executable, "manage.py", "run_scheduler", "--tick", "1"],
            cwd=ROOT,
            env=self.env,
            stdout=open(self.logs / f"scheduler-{len(self.schedulers)}.log", "ab"),  # noqa: SIM115
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.schedulers.append(process)
        return process

    def stop_schedulers(self) -> None:
        for process in self.schedulers:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        self.schedulers = []

    def stop_worker(self) -> None:
        if self.worker is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.worker.pid, signal.SIGTERM)
            try:
                self.worker.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.worker.pid, signal.SIGKILL)
                self.worker.wait(timeout=10)
            self.worker = None

    def kill_app(self, server: AppServer) -> None:
        """Kill an app server at once (SIGKILL to its whole process group), as a crash would."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.process.pid, signal.SIGKILL)
        server.process.wait(timeout=10)
        if server in self.servers:
            self.servers.remove(server)

    def start_services(self) -> Stack:
        """PostgreSQL (an empty database), Redis, S3 if asked, and the stand-ins: no schema, no app server yet."""
        (self.base / "prometheus").mkdir(parents=True, exist_ok=True)
        self.start_postgres()
        self.start_redis()
        if self.s3_port is not None:
            self.start_s3()
        self.sms = SmsGateway(echo=self.echo)
        self.mail = MailServer(echo=self.echo)
        self.registries = RegistrySimulator(token="loopback", signing_key=self.secret_key[:32])  # noqa: S106
        self.payments = PaymentSimulator(shop_id="loopback-shop", secret=self.payment_secret, echo=self.echo)
        return self

    def start(self, app_servers: int = 2) -> Stack:
        self.start_services()
        self.manage("migrate", "--noinput")
        self.manage("collectstatic", "--noinput")
        self.start_worker()
        for _ in range(self.schedulers_at_start):
            self.start_scheduler()
        for _ in range(app_servers):
            self.start_app()
        return self

    def stop(self) -> None:
        self.stop_schedulers()
        self.stop_worker()
        for server in list(self.servers):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(server.process.pid, signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                server.process.wait(timeout=10)
            self.kill_app(server)
        for process in (self.redis, self.s3):
            if process is not None:
                process.terminate()
                process.wait(timeout=10)
        if self.pg_data.exists():
            with contextlib.suppress(Exception):
                self.stop_postgres("immediate")
        for standin in (self.sms, self.mail, self.registries, self.payments):
            if standin is not None:
                standin.close()
        shutil.rmtree(self.base, ignore_errors=True)

    def sql(self, query: str) -> list[tuple]:
        """Run a query on the stack's database (from this process, with psycopg)."""
        import psycopg

        with psycopg.connect(f"host=127.0.0.1 port={self.pg_port} user=postgres dbname=registration") as connection:
            return connection.execute(query).fetchall()


@contextlib.contextmanager
def running(app_servers: int = 2, **options: object) -> Iterator[Stack]:
    stack = Stack(**options)  # type: ignore[arg-type]
    try:
        yield stack.start(app_servers)
    finally:
        stack.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve the production stack on loopback (make serve-prod).")
    parser.add_argument("--servers", type=int, default=2, help="gunicorn app servers (default 2)")
    parser.add_argument("--port", type=int, default=8000, help="port of the first app server (the next add 1)")
    parser.add_argument("--pg-port", type=int, default=54341)
    parser.add_argument("--redis-port", type=int, default=6391)
    parser.add_argument("--s3-port", type=int, help="keep scans in an S3-compatible stand-in on this port")
    args = parser.parse_args()
    missing = missing_binaries()
    if missing:
        sys.exit("Missing: " + "; ".join(missing))
    stack = Stack(pg_port=args.pg_port, redis_port=args.redis_port, s3_port=args.s3_port, echo=True)
    stack.site_port = args.port
    try:
        stack.start(app_servers=0)
        print(stack.manage("load_demo_data"), flush=True)
        for index in range(args.servers):
            stack.start_app(args.port + index)
        print(f"PostgreSQL on 127.0.0.1:{args.pg_port}, Redis on 127.0.0.1:{args.redis_port}")
        for server in stack.servers:
            print(f"{server.name}: {server.url}/ (production settings, gunicorn)")
        if stack.registries is not None:
            print(f"Registry simulator on {stack.registries.url}/, asked by a db_worker; a scheduler beside it")
        if stack.payments is not None:
            print(f"Payment simulator on {stack.payments.url}/ (card 4111111111111111 pays)")
        print("SMS and e-mail codes are printed here. Ctrl+C stops everything.", flush=True)
        # Blocked only now, so that the servers started above keep their default signal handling.
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
        signal.sigwait({signal.SIGINT, signal.SIGTERM})
    finally:
        stack.stop()


if __name__ == "__main__":
    main()
