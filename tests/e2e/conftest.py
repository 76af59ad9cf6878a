"""End-to-end fixtures: a real Chromium driven by Playwright against pytest-django's live server.

Each journey opens a :class:`Visit`: a browser tab at a given language and viewport that can take a
screenshot of a step, run axe-core's WCAG 2 A/AA rules, check that the page fits 320 px, and collect
console errors (a Content-Security-Policy violation shows up there). Tests are skipped with a clear
reason when the browser, Playwright or axe-core is missing, unless ``CI=true``: then they fail.
``E2E=0`` switches them off on purpose (CI does so on its PostgreSQL pass).
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.browser import AXE_JS, VIEWPORTS, Visit

E2E_DIR = Path(__file__).resolve().parent
# The browser's own language for each of the site's (a Chinese browser says zh-CN, not zh-hans).
BROWSER_LOCALES = {
    "ru": "ru-RU",
    "en": "en-GB",
    "uz": "uz-UZ",
    "tg": "tg-TJ",
    "ky": "ky-KG",
    "kk": "kk-KZ",
    "zh-hans": "zh-CN",
}
CHROMIUM = Path(os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def missing_requirements() -> list[str]:
    """What this machine lacks to run the end-to-end tests, in words a person can act on."""
    missing = []
    if not CHROMIUM.is_file():
        missing.append(f"Chromium at {CHROMIUM} (apt-get install chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("the playwright Python package (pip install -r requirements.lock)")
    if not AXE_JS.is_file():
        missing.append("axe-core in node_modules (npm ci)")
    return missing


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark the browser tests; skip them when switched off or when the browser is missing outside CI."""
    e2e_items = [item for item in items if E2E_DIR in Path(str(item.path)).parents]
    if not e2e_items:
        return
    skip = None
    if os.environ.get("E2E", "1") == "0":
        skip = pytest.mark.skip(reason="end-to-end tests switched off (E2E=0)")
    elif (missing := missing_requirements()) and not _in_ci():
        skip = pytest.mark.skip(reason="end-to-end tests need " + "; ".join(missing))
    for item in e2e_items:
        item.add_marker(pytest.mark.e2e)
        if item.get_closest_marker("without_browser"):
            if skip is not None and "E2E=0" in skip.kwargs["reason"]:
                item.add_marker(skip)
            continue
        # The live server sees only committed data; serialized rollback restores the rows data
        # migrations created (groups, permissions) after each test's flush.
        item.add_marker(pytest.mark.django_db(transaction=True, serialized_rollback=True))
        if skip is not None:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def live_server(request: pytest.FixtureRequest) -> Iterator[Any]:
    """pytest-django's live server, started so that it serves no media files at all.

    Django's test server wraps the site in a media-file handler built from ``MEDIA_URL``; ours is
    ``None`` (uploads are private), which that handler cannot parse. An address on another host
    makes the handler step aside for every request, so nothing under ``MEDIA_ROOT`` is reachable.
    """
    from django.test.utils import override_settings
    from pytest_django.live_server_helper import LiveServer

    address = request.config.getvalue("liveserver") or os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS") or "localhost"
    with override_settings(MEDIA_URL="http://media.invalid/"):
        server = LiveServer(address)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One headless Chromium per test module, with a fresh throwaway profile."""
    if missing := missing_requirements():
        pytest.fail("CI=true, and the end-to-end tests cannot run without " + "; ".join(missing), pytrace=False)
    from playwright.sync_api import sync_playwright

    args = [*CHROMIUM_ARGS]
    if os.geteuid() == 0:
        args.append("--no-sandbox")
    with _django_stays_synchronous():
        manager = sync_playwright().start()
        try:
            # launch() gives every browser a new temporary user-data-dir, removed on close.
            instance = manager.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=args)
            try:
                yield instance
            finally:
                instance.close()
        finally:
            manager.stop()


@contextlib.contextmanager
def _django_stays_synchronous() -> Iterator[None]:
    """Keep Django treating this thread as synchronous while Playwright's sync API is alive.

    Playwright keeps an asyncio loop marked as running in this thread between its calls. Django would
    then refuse ORM calls as made from async code, and, worse, hand this thread a second set of
    database connections (asgiref keeps thread-critical locals per task once a loop runs): the test
    would no longer see the connection that pytest-django set up, with its transaction state and the
    serialized contents that restore data-migration rows. Both are switched back on the way out.
    """
    from django.db import connections

    local = connections._connections
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    # The thread-critical Local picks its storage per call in _get_storage(): always the thread's own.
    object.__setattr__(local, "_get_storage", lambda: object.__getattribute__(local, "_storage"))
    try:
        yield
    finally:
        object.__delattr__(local, "_get_storage")
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def open_visit(browser: Any, live_server: Any, settings: Any) -> Iterator[Callable[..., Visit]]:
    """Open browser tabs: ``open_visit(lang="ru", viewport="desktop")``; each has its own cookies."""
    contexts = []
    visits: list[Visit] = []

    def opener(lang: str = "ru", viewport: str = "desktop", *, javascript: bool = True, chosen: bool = True) -> Visit:
        context = browser.new_context(
            **VIEWPORTS[viewport],
            java_script_enabled=javascript,
            locale=BROWSER_LOCALES[lang],
            timezone_id="Europe/Moscow",
            base_url=live_server.url,
        )
        if chosen:
            # The person has picked a language before: the switcher sets this cookie. Without it, the
            # first page follows the browser's language (its Accept-Language header).
            context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": lang, "url": live_server.url}])
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        visit = Visit(page=page, base_url=live_server.url, lang=lang, viewport=viewport, javascript=javascript)

        def on_console(message: Any) -> None:
            # Every error counts, a favicon 404 too: the site links its icon on every page.
            if message.type == "error":
                visit.console_errors.append(f"{message.type}: {message.text}")

        page.on("console", on_console)
        page.on("pageerror", lambda error: visit.console_errors.append(f"page error: {error}"))
        visits.append(visit)
        return visit

    yield opener
    for context in contexts:
        with contextlib.suppress(Exception):
            context.close()


@pytest.fixture
def email_link() -> Callable[[str], str]:
    """``email_link(to)``: the first link in the latest e-mail to ``to``, from Django's locmem outbox.

    The live server runs in this process, so its e-mails land in ``django.core.mail.outbox``.
    """
    from django.core import mail

    def read(to: str) -> str:
        messages = [message for message in mail.outbox if to in message.to]
        assert messages, f"no e-mail to {to}; outbox holds {[m.to for m in mail.outbox]}"
        links = re.findall(r"https?://[^\s<>\"]+", messages[-1].body)
        assert links, f"no link in the e-mail {messages[-1].subject!r}"
        return links[0]

    return read


@pytest.fixture
def sms_code() -> Iterator[Callable[[str], str]]:
    """``sms_code(phone)``: the one-time code in the latest SMS to ``phone``.

    The test settings send SMS through ``registration.codes.sms.MemoryBackend``, whose module-level
    ``outbox`` the live server (a thread of this process) appends to.
    """
    from registration.codes import sms

    sms.outbox.clear()

    def read(phone: str) -> str:
        messages = [message for message in sms.outbox if message.to == phone]
        assert messages, f"no SMS to {phone}; outbox holds {len(sms.outbox)} message(s)"
        found = re.search(r"\b(\d{4,8})\b", messages[-1].text)
        assert found, "no code in the SMS"
        return found.group(1)

    yield read
    sms.outbox.clear()


@pytest.fixture
def scan_files(tmp_path: Path) -> Callable[..., Path]:
    """Make a scan at test time: a 300-dpi PNG or JPEG (1240×1748 is A6 at 300 dpi) or a one-page PDF.

    The page is lines of printed text in a frame. ``dpi=72, size=(3024, 4032)`` makes a phone
    camera's JPEG; ``orientation=6`` stores its pixels turned a quarter, as a camera held upright
    does, with the EXIF orientation that turns them back.
    """
    from PIL import Image, ImageDraw, ImageFont

    def make(
        name: str = "passport.png", size: tuple[int, int] = (1240, 1748), dpi: int = 300, orientation: int = 1
    ) -> Path:
        image = Image.new("RGB", size, "white")
        draw = ImageDraw.Draw(image)
        scale = size[1] / 1748
        draw.rectangle((60, 60, size[0] - 60, size[1] - 60), outline="navy", width=round(8 * scale))
        font = ImageFont.load_default(size=round(34 * scale))
        for row in range(14):
            words = "PASSPORT  P<UTOERIKSSON<<ANNA<MARIA  L898902C36  Tashkent"[: 56 - (row % 3) * 12]
            draw.text((round(140 * scale), round((200 + row * 95) * scale)), words, fill=(40, 60, 90), font=font)
        target = tmp_path / name
        kind = {"png": "PNG", "jpg": "JPEG", "jpeg": "JPEG", "pdf": "PDF"}[target.suffix.lstrip(".").lower()]
        options: dict[str, Any] = {"resolution": float(dpi)} if kind == "PDF" else {"dpi": (dpi, dpi)}
        if kind == "JPEG":
            options["quality"] = 85
        if orientation == 6:
            image = image.transpose(Image.Transpose.ROTATE_90)
            exif = Image.Exif()
            exif[0x0112] = orientation
            options["exif"] = exif
        image.save(target, kind, **options)
        return target

    return make
