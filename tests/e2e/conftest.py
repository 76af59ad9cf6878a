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
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
E2E_DIR = Path(__file__).resolve().parent
CHROMIUM = Path(os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium"))
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "var" / "screenshots"

VIEWPORTS: dict[str, dict[str, Any]] = {
    "desktop": {"viewport": {"width": 1280, "height": 800}},
    "phone": {"viewport": {"width": 375, "height": 740}, "is_mobile": True, "has_touch": True},
}
NARROWEST = 320
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
CHROMIUM_ARGS = [
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# The outermost elements whose right edge passes the viewport's: what makes a page scroll sideways.
OVERFLOWING_ELEMENTS_JS = """() => {
  const width = document.documentElement.clientWidth, found = [];
  for (const element of document.body.querySelectorAll('*')) {
    const box = element.getBoundingClientRect();
    if (box.width > 0 && box.right > width + 1 && !found.some(outer => outer.contains(element))) found.push(element);
  }
  return found.slice(0, 10).map(element => element.tagName.toLowerCase()
    + (element.id ? '#' + element.id : '') + [...element.classList].map(name => '.' + name).join('')
    + ` (${Math.round(element.getBoundingClientRect().width)}px)`);
}"""
# Requests the browser makes on its own; a 404 for them is not the page's fault.
IGNORED_CONSOLE = re.compile(r"favicon\.ico")


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


class AccessibilityViolations(AssertionError):
    """axe-core found WCAG 2 A/AA violations on a page."""


def format_violations(url: str, violations: list[dict[str, Any]]) -> str:
    """A readable listing: rule, impact, help, and the selector of every offending element."""
    lines = [f"{len(violations)} accessibility violation(s) on {url}:"]
    for violation in violations:
        lines.append(f"- [{violation.get('impact')}] {violation['id']}: {violation['help']} ({violation['helpUrl']})")
        for node in violation["nodes"]:
            target = " > ".join(str(part) for part in node["target"])
            summary = (node.get("failureSummary") or "").replace("\n", " ").strip()
            lines.append(f"    at {target}: {summary}")
    return "\n".join(lines)


_shot_counters: dict[tuple[str, str], int] = {}
_screenshots_cleared = False


def _screenshot_path(lang: str, viewport: str, step: str) -> Path:
    """``var/screenshots/<lang>/<viewport>/<NN-step>.png``, numbered in the order they are taken."""
    global _screenshots_cleared
    if not _screenshots_cleared:
        shutil.rmtree(SCREENSHOTS, ignore_errors=True)
        _screenshots_cleared = True
    key = (lang, viewport)
    _shot_counters[key] = _shot_counters.get(key, 0) + 1
    folder = SCREENSHOTS / lang / viewport
    folder.mkdir(parents=True, exist_ok=True)
    slug = re.sub(r"[^a-z0-9]+", "-", step.lower()).strip("-")
    return folder / f"{_shot_counters[key]:02d}-{slug}.png"


@dataclass
class Visit:
    """One person's browser tab at a language and a viewport, with the checks every step runs."""

    page: Any
    base_url: str
    lang: str
    viewport: str
    javascript: bool = True
    console_errors: list[str] = field(default_factory=list)
    screenshots: list[Path] = field(default_factory=list)

    def go(self, path: str) -> Any:
        """Open a path on the live server and return the response."""
        response = self.page.goto(self.base_url + path)
        assert response is not None and response.ok, f"{path} answered {response and response.status}"
        return response

    def submit(self, selector: str = "main form [type=submit]") -> Any:
        """Press a button that submits a form, and wait for the page it leads to."""
        with self.page.expect_navigation():
            self.page.locator(selector).first.click()
        self.page.wait_for_load_state("load")
        return self.page

    def focused(self) -> dict[str, str]:
        """The element that has focus: its tag, id and classes."""
        return self.page.evaluate(
            "() => ({tag: document.activeElement.tagName.toLowerCase(), id: document.activeElement.id,"
            " classes: document.activeElement.className})"
        )

    def path(self) -> str:
        """The current page's path (and query), without the server's address."""
        return self.page.url.removeprefix(self.base_url)

    def shot(self, step: str) -> Path:
        """Save a full-page screenshot of this step."""
        target = _screenshot_path(self.lang, self.viewport, step)
        self.page.screenshot(path=str(target), full_page=True)
        self.screenshots.append(target)
        return target

    def axe(self) -> list[dict[str, Any]]:
        """Run axe-core's WCAG 2 A/AA rules on the current page and return the violations."""
        # Evaluated through the DevTools protocol, so the page's CSP (no inline scripts) is not bent.
        if not self.page.evaluate("() => typeof window.axe === 'object'"):
            self.page.evaluate(AXE_JS.read_text(encoding="utf-8") + "\n;undefined")
        result = self.page.evaluate(
            "options => window.axe.run(document, options)",
            {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]},
        )
        return result["violations"]

    def assert_accessible(self, waive: dict[str, str] | None = None) -> None:
        """Fail with a readable listing when axe-core finds any WCAG 2 A/AA violation.

        ``waive`` maps a rule id to the reason it is still open (and where the fix belongs). A waiver
        is strict: the check fails once the violation is gone, so that the waiver gets removed.
        """
        waive = waive or {}
        violations = self.axe()
        found = {violation["id"] for violation in violations}
        if gone := sorted(set(waive) - found):
            raise AssertionError(f"{self.page.url}: waived violation(s) {gone} no longer occur: remove the waiver")
        violations = [violation for violation in violations if violation["id"] not in waive]
        if violations:
            raise AccessibilityViolations(format_violations(self.page.url, violations))

    def horizontal_overflow(self, width: int = NARROWEST) -> int:
        """How many pixels the page is wider than a ``width``-pixel screen (0 when it fits)."""
        return max(0, self._at_width(width, "() => document.documentElement.scrollWidth") - width)

    def overflowing_elements(self, width: int = NARROWEST) -> list[str]:
        """The outermost elements that stick out of a ``width``-pixel screen, for the failure message."""
        return self._at_width(width, OVERFLOWING_ELEMENTS_JS)

    def _at_width(self, width: int, script: str) -> Any:
        original = self.page.viewport_size
        self.page.set_viewport_size({"width": width, "height": original["height"]})
        try:
            return self.page.evaluate(script)
        finally:
            self.page.set_viewport_size(original)

    def assert_no_console_errors(self) -> None:
        """Fail on script errors and CSP violations the browser reported."""
        errors, self.console_errors[:] = list(self.console_errors), []
        assert not errors, "the browser reported errors:\n" + "\n".join(errors)

    def check(self, step: str, *, waive: dict[str, str] | None = None, waive_narrow: str = "") -> Path:
        """Everything each step of a journey proves: screenshot, axe, fits 320 px, no console errors.

        ``waive`` lists open axe rules (see :meth:`assert_accessible`); ``waive_narrow`` says why the
        page may still scroll sideways at 320 px. Both are strict: they fail once the problem is gone.
        """
        self.page.wait_for_load_state("load")
        shot = self.shot(step)
        html_lang = self.page.get_attribute("html", "lang")
        assert html_lang == self.lang, f"{self.page.url} has lang={html_lang!r}, expected {self.lang!r}"
        if not self.javascript:
            # axe and the measurements run as page scripts: with scripts off, the other runs check them.
            return shot
        self.assert_accessible(waive)
        overflow = self.horizontal_overflow()
        if waive_narrow:
            assert overflow, f"{self.page.url} now fits {NARROWEST}px: remove the waiver ({waive_narrow})"
        else:
            assert not overflow, (
                f"{self.page.url} scrolls sideways by {overflow}px at {NARROWEST}px wide; too wide: "
                + ", ".join(self.overflowing_elements())
            )
        self.assert_no_console_errors()
        return shot


@pytest.fixture
def open_visit(browser: Any, live_server: Any, settings: Any) -> Iterator[Callable[..., Visit]]:
    """Open browser tabs: ``open_visit(lang="ru", viewport="desktop")``; each has its own cookies."""
    contexts = []
    visits: list[Visit] = []

    def opener(lang: str = "ru", viewport: str = "desktop", *, javascript: bool = True) -> Visit:
        context = browser.new_context(
            **VIEWPORTS[viewport],
            java_script_enabled=javascript,
            locale={"ru": "ru-RU", "en": "en-GB"}[lang],
            timezone_id="Europe/Moscow",
            base_url=live_server.url,
        )
        # The person has picked a language before: the switcher sets this cookie.
        context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": lang, "url": live_server.url}])
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        visit = Visit(page=page, base_url=live_server.url, lang=lang, viewport=viewport, javascript=javascript)

        def on_console(message: Any) -> None:
            if message.type == "error" and not IGNORED_CONSOLE.search(message.location.get("url", "") or ""):
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
    """Make a scan at test time: a 300-dpi PNG or JPEG (1240×1748 is A6 at 300 dpi) or a one-page PDF."""
    from PIL import Image, ImageDraw

    def make(name: str = "passport.png", size: tuple[int, int] = (1240, 1748), dpi: int = 300) -> Path:
        image = Image.new("RGB", size, "white")
        draw = ImageDraw.Draw(image)
        draw.rectangle((60, 60, size[0] - 60, size[1] - 60), outline="navy", width=8)
        for row in range(12):
            top = 200 + row * 110
            draw.rectangle((140, top, size[0] - 140 - (row % 3) * 180, top + 40), fill=(40, 60, 90))
        target = tmp_path / name
        kind = {"png": "PNG", "jpg": "JPEG", "jpeg": "JPEG", "pdf": "PDF"}[target.suffix.lstrip(".").lower()]
        options: dict[str, Any] = {"resolution": float(dpi)} if kind == "PDF" else {"dpi": (dpi, dpi)}
        if kind == "JPEG":
            options["quality"] = 85
        image.save(target, kind, **options)
        return target

    return make
