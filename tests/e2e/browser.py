"""A browser tab of the end-to-end journeys: :class:`Visit` and the checks every step runs.

Screenshots go to ``var/screenshots/<lang>/<viewport>/``; accessibility is axe-core's WCAG 2 A/AA rules.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "var" / "screenshots"

VIEWPORTS: dict[str, dict[str, Any]] = {
    "desktop": {"viewport": {"width": 1280, "height": 800}},
    "phone": {"viewport": {"width": 375, "height": 740}, "is_mobile": True, "has_touch": True},
}
NARROWEST = 320
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
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
