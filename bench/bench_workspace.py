"""The clerks' workspace lists at 10,000 and at 100,000 applications, on PostgreSQL.

Needs ``DATABASE_URL`` pointing at a PostgreSQL server (for example the production stack's, from
``scripts/stack.py``); it builds its own throwaway database beside the one named there (Django's test
database, ``test_<name>``) and drops it at the end. Without PostgreSQL it says so and measures nothing.

The data: applications cloned from a few demo-like people with unique application numbers, random
names, passport and SNILS numbers, statuses and identity-confirmation methods (two service centres),
and in proportion elsewhere: per 100,000 applications, 300,000 audit events, 50,000 support requests
(100,000 messages), 10,000 post letters, 5,000 video slots, 5,000 consulate codes and 1,000 caller
alerts. Rows are written with ``bulk_create`` in large batches.

Each page (every list of the workspace: page 1, a deep page, each filter, each sort and each search)
is loaded through Django's test client by the role that works on that desk, ``BENCH_RUNS`` times after
one warm-up; the report gives p50 and p95 of the wall-clock time of the whole request, the number of
SQL queries, and the growth of p95 from 10,000 to 100,000 applications. Targets: p95 < 300 ms at
100,000 applications, p95 growth at most 1.5x, and the same number of queries at both sizes.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import Group  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

UNUSABLE = "!"  # an unusable password hash: nobody logs in as these people
PRIORITY = -15
RUNS = int(os.environ.get("BENCH_RUNS", "12"))
SIZES = [int(size) for size in os.environ.get("BENCH_SIZES", "10000,100000").split(",")]
TARGET_MS = 300.0
TARGET_GROWTH = 1.5
BATCH = 5000
METHODS = ["service_centre", "post_letter", "video_call", "consulate", "scan_review", "signature"]
SYLLABLES = ["KA", "RI", "MO", "VA", "NU", "SE", "LI", "DO", "TA", "BE", "GO", "ZA", "MI", "RO", "SU", "PE"]
CYRILLIC = dict(
    zip(
        SYLLABLES,
        ["КА", "РИ", "МО", "ВА", "НУ", "СЕ", "ЛИ", "ДО", "ТА", "БЕ", "ГО", "ЗА", "МИ", "РО", "СУ", "ПЕ"],
        strict=True,
    )
)
ROLE_GROUPS = {
    "clerk": "Service-centre clerks",
    "post": "Post operators",
    "video": "Video operators",
    "consul": "Consular officers",
    "support": "Support operators",
    "supervisor": "Support supervisors",
}


def _name(rng: random.Random, parts: int) -> tuple[str, str]:
    chosen = [rng.choice(SYLLABLES) for _ in range(parts)]
    return "".join(chosen), "".join(CYRILLIC[s] for s in chosen)


@dataclass
class World:
    """What the build made, for the pages to search for."""

    centres: list[Any] = field(default_factory=list)
    users: dict[str, Any] = field(default_factory=dict)
    built: int = 0
    sample: dict[str, str] = field(default_factory=dict)


def staff(world: World) -> None:
    from registration.accounts.models import Account
    from registration.identity.models import ServiceCentre

    world.centres = [
        ServiceCentre.objects.create(name="Centre on Tverskaya", region="77", city="Moscow", address="Tverskaya 1"),
        ServiceCentre.objects.create(name="Centre on Nevsky", region="78", city="Saint Petersburg", address="Nevsky 2"),
    ]
    for role, group in ROLE_GROUPS.items():
        user = Account.objects.create_user(f"{role}@staff.example.org", "x", is_staff=True, status="active")
        user.groups.add(Group.objects.get(name=group))
        world.users[role] = user
    world.users["root"] = Account.objects.create_superuser("root@staff.example.org", "x")
    clerk = world.users["clerk"]
    if hasattr(clerk, "service_centre_id"):
        clerk.service_centre = world.centres[0]
        clerk.save(update_fields=["service_centre"])


def grow(world: World, upto: int) -> None:
    """Add applications (and the rows in proportion to them) from ``world.built`` up to ``upto``."""
    from registration.accounts.models import Account, Applicant, AuditEvent, Document
    from registration.codes.models import CodePurpose, OneTimeCode
    from registration.identity.models import IdentityConfirmation, PostLetter, VideoSlot
    from registration.support.models import CallerVerificationAlert, SupportMessage, SupportRequest

    rng = random.Random(upto)
    now = timezone.now()
    for start in range(world.built, upto, BATCH):
        numbers = range(start, min(start + BATCH, upto))
        statuses = [rng.choices(["pending", "active", "blocked"], [6, 3, 1])[0] for _ in numbers]
        accounts = Account.objects.bulk_create(
            [
                Account(email=f"person{n}@example.org", phone=f"+7916{n:07d}", password=UNUSABLE, status=status)
                for n, status in zip(numbers, statuses, strict=True)
            ]
        )
        applicants = []
        for n, account in zip(numbers, accounts, strict=True):
            (surname, surname_cy), (given, given_cy) = _name(rng, 4), _name(rng, 2)
            applicant = Applicant(
                account=account,
                application_number=f"{3000000000 + n * 7919 % 10**9}",
                surname=surname,
                given_names=given,
                surname_cyrillic=surname_cy,
                given_names_cyrillic=given_cy,
                birth_date="1990-01-01",
                birth_place="Tashkent",
                sex=rng.choice("MF"),
                citizenship=rng.choice(["UZ", "TJ", "KG", "KZ", "CN"]),
                snils=f"{rng.randrange(10**10, 10**11)}",
                region="77",
                city="Moscow",
                street="Tverskaya",
                house="1",
                postcode="101000",
                submitted_at=now - timedelta(minutes=n * 5 + rng.randrange(5)),
            )
            applicant.refresh_lookup_columns()
            applicants.append(applicant)
        applicants = Applicant.objects.bulk_create(applicants)
        documents = []
        for applicant in applicants:
            document = Document(
                applicant=applicant,
                role="identity",
                kind="foreign_passport",
                series="FA",
                number=f"{rng.randrange(10**6, 10**7)}",
            )
            document.refresh_lookup_columns()
            documents.append(document)
        Document.objects.bulk_create(documents)
        confirmations = []
        for applicant, status in zip(applicants, statuses, strict=True):
            if rng.random() < 0.12:
                continue  # no method chosen yet
            method = rng.choice(METHODS)
            state = "confirmed" if status == "active" else rng.choice(["in_progress", "in_progress", "rejected"])
            confirmations.append(
                IdentityConfirmation(
                    account_id=applicant.account_id,
                    method=method,
                    state=state,
                    centre=rng.choice(world.centres) if method == "service_centre" else None,
                    started_at=applicant.submitted_at,
                )
            )
        confirmations = IdentityConfirmation.objects.bulk_create(confirmations)
        letters = [c for c in confirmations if c.method == "post_letter"][: len(numbers) // 10]
        PostLetter.objects.bulk_create(
            [
                PostLetter(
                    confirmation=c,
                    account_id=c.account_id,
                    postcode="101000",
                    address="Moscow, Tverskaya 1",
                    state=rng.choice(["pending", "printed", "sent"]),
                    requested_at=c.started_at,
                )
                for c in letters
            ]
        )
        video = world.users["video"]
        VideoSlot.objects.bulk_create(
            [
                VideoSlot(operator=video, starts_at=now + timedelta(minutes=20 * (n + 1)), duration_minutes=20)
                for n in numbers[: len(numbers) // 20]
            ]
        )
        consul = world.users["consul"]
        OneTimeCode.objects.bulk_create(
            [
                OneTimeCode(
                    account_id=account.pk,
                    purpose=CodePurpose.CONSULATE,
                    code_hash=f"{n:064x}",
                    subject=f"h{n:063x}",
                    subject_hint="…1234",
                    expires_at=now + timedelta(days=30),
                    issued_by=consul,
                    created_at=now - timedelta(minutes=n),
                )
                for n, account in zip(numbers[: len(numbers) // 20], accounts, strict=False)
            ]
        )
        requests = SupportRequest.objects.bulk_create(
            [
                SupportRequest(
                    number=f"S-{n:08d}",
                    account_id=account.pk,
                    subject="Cannot log in",
                    status=rng.choice(["new", "in_progress", "waiting", "resolved"]),
                    topic=rng.choice(["access", "identity", "other"]),
                    created_at=now - timedelta(minutes=n * 10),
                )
                for n, account in zip(numbers[::2], accounts[::2], strict=False)
            ]
        )
        SupportMessage.objects.bulk_create(
            [
                SupportMessage(request=r, author_id=r.account_id, body="Hello", created_at=r.created_at)
                for r in requests
                for _ in range(2)
            ]
        )
        CallerVerificationAlert.objects.bulk_create(
            [
                CallerVerificationAlert(
                    account_id=account.pk,
                    operator=world.users["support"],
                    failures=3,
                    locked_until=now + timedelta(hours=1),
                    created_at=now - timedelta(minutes=n),
                )
                for n, account in zip(numbers[::100], accounts[::100], strict=False)
            ]
        )
        actions = ["account.status_changed", "login.succeeded", "identity.method_chosen", "support.answered"]
        # The largest table, written with COPY: three events per application.
        actors = [None, world.users["clerk"].pk, world.users["support"].pk]
        empty = ("127.0.0.1", "", "", "", "{}")  # the columns every event leaves empty
        copy_rows(
            AuditEvent,
            ["action", "account_id", "actor_id", "at", "ip_address", "from_status", "to_status", "reason", "data"],
            (
                (*(rng.choice(actions), account.pk, rng.choice(actors)), now - timedelta(minutes=n * 3 + k), *empty)
                for n, account in zip(numbers, accounts, strict=True)
                for k in range(3)
            ),
        )
        if start == world.built:
            applicant, document = applicants[len(applicants) // 2], documents[len(documents) // 2]
            world.sample = {
                "surname": applicant.surname,
                "surname_and_digits": f"{applicant.surname} {document.number_last_digits}",
                "last_digits": document.number_last_digits,
                "application_number": applicant.application_number,
                "email": applicant.account.email,
                "phone": applicant.account.phone,
                "passport": f"{document.series}{document.number}",
                "snils": applicant.snils,
            }
    world.built = upto
    # Bulk loads bypass the models' save(): the queue's copies are recomputed once, where they exist.
    backfill = _optional("registration.identity.queue_columns", "backfill")
    if backfill:
        backfill()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def copy_rows(model: Any, columns: list[str], rows: Any) -> None:
    """Write rows with PostgreSQL's COPY (much faster than INSERTs for the largest tables)."""
    table = model._meta.db_table
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _optional(module: str, name: str) -> Any:
    try:
        return getattr(__import__(module, fromlist=[name]), name, None)
    except ImportError:
        return None


@dataclass
class Page:
    desk: str
    label: str
    role: str
    params: dict[str, str] = field(default_factory=dict)
    search: str = ""


def pages(world: World) -> list[Page]:
    from registration.accounts.models import DocumentRole  # noqa: F401 (the apps are loaded)

    queue = [
        Page("queue", "page 1", "clerk"),
        Page("queue", "page 2", "clerk", {"next": "1"}),
        Page("queue", "deep page", "clerk", {"deep": "1"}),
        Page("queue", "all statuses", "clerk", {"status": "all"}),
        Page("queue", "status active", "clerk", {"status": "active"}),
        Page("queue", "status blocked", "clerk", {"status": "blocked"}),
        *[Page("queue", f"method {m}", "clerk", {"method": m}) for m in [*METHODS, "none"]],
        *[Page("queue", f"centre {n + 1}", "clerk", {"centre": str(c.pk)}) for n, c in enumerate(world.centres)],
        Page("queue", "centre 1, all statuses", "clerk", {"centre": str(world.centres[0].pk), "status": "all"}),
        Page("queue", "waiting 3-7 days", "clerk", {"waiting": "3-7d"}),
        Page("queue", "change to review", "clerk", {"changes": "waiting"}),
        Page("queue", "sort by name", "clerk", {"o": _column("name")}),
        Page("queue", "sort newest first", "clerk", {"o": "-" + _column("submitted_at")}),
        *[Page("queue", f"search {kind}", "clerk", search=term) for kind, term in world.sample.items()],
    ]
    return [
        *queue,
        Page("letters", "page 1", "post"),
        Page("letters", "deep page", "post", {"deep": "1"}),
        Page("letters", "state printed", "post", {"state__exact": "printed"}),
        Page("slots", "page 1", "video"),
        Page("codes", "page 1", "consul"),
        Page("codes", "deep page", "consul", {"deep": "1"}),
        Page("support", "page 1", "support"),
        Page("support", "deep page", "support", {"deep": "1"}),
        Page("support", "all statuses", "support", {"status": "all"}),
        Page("support", "topic identity", "support", {"topic__exact": "identity"}),
        Page("support", "search number", "support", search="S-00000042"),
        Page("alerts", "page 1", "supervisor"),
        Page("audit", "page 1", "root"),
        Page("audit", "deep page", "root", {"deep": "1"}),
        Page("audit", "action filter", "root", {"action": "support.answered"}),
        Page("audit", "search e-mail", "root", search=world.sample.get("email", "")),
    ]


def _column(name: str) -> str:
    """The queue's column number for Django's ``o`` (sort) parameter."""
    from registration.workspace.queue import PendingApplicationAdmin

    return str(list(PendingApplicationAdmin.list_display).index(name))


URLS = {
    "queue": "admin:identity_pendingapplication_changelist",
    "letters": "admin:identity_postletter_changelist",
    "slots": "admin:identity_videoslot_changelist",
    "codes": "admin:identity_identitycode_changelist",
    "support": "admin:support_supportrequest_changelist",
    "alerts": "admin:support_callerverificationalert_changelist",
    "audit": "admin:accounts_auditevent_changelist",
}


def url_for(client: Client, page: Page) -> str:
    url = reverse(URLS[page.desk])
    params = dict(page.params)
    if params.pop("deep", None):
        return f"{url}?{_middle_page(client, url)}"
    if params.pop("next", None):
        return f"{url}?{_next_page(client, url)}"
    if page.search:
        response = client.post(url, {**params, "q": page.search})
        assert response.status_code == 302, (page, response.status_code)
        return response["Location"]
    return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def _middle_page(client: Client, url: str) -> str:
    """The page in the middle of the list: the link after its middle row (keyset pages), else its number."""
    changelist = client.get(url).context["cl"]
    if changelist.paginator is None:  # keyset pages: the rows after the middle one
        rows = changelist.queryset.order_by(*changelist.queryset.query.order_by)
        return f"after={rows.values_list('pk', flat=True)[rows.count() // 2]}"
    return f"p={max(1, changelist.paginator.num_pages // 2)}"


def _next_page(client: Client, url: str) -> str:
    """The second page: the list's own link to it."""
    changelist = client.get(url).context["cl"]
    if changelist.paginator is None:
        return f"after={changelist.result_list[-1].pk}"
    return "p=2"


def prioritise() -> str:
    """Run this process and its PostgreSQL backend ahead of other work on the machine, where allowed.

    Wall-clock times on a shared machine measure the neighbours as much as the pages; a higher priority
    for the two processes that serve the page (root may raise it) keeps the figures about the page.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    try:
        for pid in (0, backend):
            os.setpriority(os.PRIO_PROCESS, pid, PRIORITY)
    except (OSError, PermissionError):
        return "at normal priority"
    return f"at priority {PRIORITY} (this process and its PostgreSQL backend)"


@dataclass
class Timing:
    """One page's figures at one size."""

    wall: list[float]  # ms, the whole request as the client sees it
    work: list[float]  # ms, this process's CPU time plus the time its queries spent in PostgreSQL
    queries: int

    @staticmethod
    def percentile(values: list[float], share: float) -> float:
        ordered = sorted(values)
        return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]

    def p50(self, which: str = "wall") -> float:
        return statistics.median(getattr(self, which))

    def p95(self, which: str = "wall") -> float:
        return self.percentile(getattr(self, which), 0.95)


def measure(world: World, size: int) -> dict[tuple[str, str], Timing]:
    """Each page ``RUNS`` times after a warm-up: wall-clock time, and the work (CPU here plus query time).

    On a machine shared with other work the wall-clock time also measures the neighbours; the work
    (this process's CPU time and the time PostgreSQL took for the page's queries) does much less so.
    """
    results = {}
    clients: dict[str, Client] = {}
    in_database: list[float] = []

    def timed_query(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            in_database.append(time.perf_counter() - started)

    for page in pages(world):
        client = clients.get(page.role)
        if client is None:
            client = clients[page.role] = Client()
            client.force_login(world.users[page.role])
        url = url_for(client, page)
        client.get(url)  # warm-up
        wall, work = [], []
        for _ in range(RUNS):
            in_database.clear()
            with CaptureQueriesContext(connection) as queries, connection.execute_wrapper(timed_query):
                started, cpu = time.perf_counter(), time.process_time()
                response = client.get(url)
                wall.append((time.perf_counter() - started) * 1000)
                work.append((time.process_time() - cpu + sum(in_database)) * 1000)
            assert response.status_code == 200, (page, response.status_code)
        timing = results[(page.desk, page.label)] = Timing(wall, work, len(queries))
        print(
            f"  {size:>7} {page.desk:<8} {page.label:<28} wall p50 {timing.p50():7.1f} p95 {timing.p95():7.1f}"
            f"  work p50 {timing.p50('work'):6.1f} p95 {timing.p95('work'):6.1f}  queries {timing.queries}",
            flush=True,
        )
    return results


def _verdict(small: float, large: float, queries: tuple[int, int]) -> tuple[float, str]:
    growth = large / small if small else 0.0
    problems = [
        *(["slow"] if large >= TARGET_MS else []),
        *(["grows"] if growth > TARGET_GROWTH else []),
        *(["queries grow"] if queries[0] != queries[1] else []),
    ]
    return growth, "ok" if not problems else "MISSED: " + ", ".join(problems)


def report(measured: dict[int, dict[tuple[str, str], Timing]]) -> int:
    small, large = SIZES[0], SIZES[-1]
    print("\nwall: the whole request (p50/p95 ms); work: CPU here + time in PostgreSQL (p95 ms); q: queries")
    print(
        f"{'list':<8} {'page':<28} {'wall ' + str(small):>15} {'wall ' + str(large):>17} growth"
        f" {'work ' + str(small):>11} {'work ' + str(large):>11} growth   q  verdict (wall | work)"
    )
    met = {"wall": 0, "work": 0}
    for key, a in measured[small].items():
        b = measured[large][key]
        queries = (a.queries, b.queries)
        wall_growth, wall_verdict = _verdict(a.p95(), b.p95(), queries)
        work_growth, work_verdict = _verdict(a.p95("work"), b.p95("work"), queries)
        met["wall"] += wall_verdict == "ok"
        met["work"] += work_verdict == "ok"
        print(
            f"{key[0]:<8} {key[1]:<28} {a.p50():7.1f}/{a.p95():7.1f} {b.p50():8.1f}/{b.p95():8.1f} {wall_growth:5.1f}x"
            f" {a.p95('work'):11.1f} {b.p95('work'):11.1f} {work_growth:5.1f}x {a.queries:2d}/{b.queries:<2d}"
            f" {wall_verdict} | {work_verdict}"
        )
    total = len(measured[small])
    print(
        f"\nTargets: p95 < {TARGET_MS:.0f} ms at {large}, growth <= {TARGET_GROWTH}x, the same queries."
        f"\nMet by wall-clock time: {met['wall']} of {total} pages; by work: {met['work']} of {total} pages."
    )
    return 0


def main() -> int:
    if connection.vendor != "postgresql":
        print("skipped: set DATABASE_URL to a PostgreSQL database to measure the workspace lists.")
        return 0
    setup_test_environment()
    name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        world = World()
        staff(world)
        measured = {}
        for size in SIZES:
            started = time.perf_counter()
            grow(world, size)
            print(f"built {size} applications in {time.perf_counter() - started:.0f} s", flush=True)
            print(f"measuring {prioritise()}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
            measured[size] = measure(world, size)
            print(f"load average after measuring: {os.getloadavg()[0]:.1f}")
        return report(measured)
    finally:
        connection.creation.destroy_test_db(name, verbosity=0)


if __name__ == "__main__":
    sys.exit(main())
