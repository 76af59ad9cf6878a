"""Every language throughout: complete catalogues holding every string of the source, and no
text outside translation tags. The person's language and dates are in ``tests/registration/test_languages.py``.

The catalogue checks run over every ``.po`` under ``locale/`` and ``validators/locale/``; while no
catalogue exists yet they are skipped with that reason. ``pytest -m i18n`` runs these and the language tests.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.template.base import Lexer, TokenType
from django.utils.translation import to_locale

pytestmark = pytest.mark.i18n

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE_DIRS = [ROOT / "locale", ROOT / "validators" / "locale"]
TEMPLATE_DIRS = [
    ROOT / "templates",
    *sorted(ROOT.glob("registration/templates")),
    *sorted(ROOT.glob("validators/templates")),
]
LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]

# ----------------------------------------------------------------------------------------------
# Templates: every visible word is inside {% translate %} / {% blocktranslate %}.

# Attributes whose values a person sees or hears (screen readers read the aria ones aloud).
VISIBLE_ATTRIBUTES = {"title", "alt", "aria-label", "aria-description", "aria-roledescription", "placeholder"}
BUTTON_INPUT_TYPES = {"submit", "button", "reset"}
LETTER = re.compile(r"[^\W\d_]")
SKIPPED_BLOCKS = {"blocktranslate": "endblocktranslate", "blocktrans": "endblocktrans", "comment": "endcomment"}
# Template blocks whose content is markup or class names, never shown (Django admin's and base.html's).
HIDDEN_TEMPLATE_BLOCKS = {"bodyclass", "extrastyle", "extrahead", "head", "stylesheet", "blockbots", "coltype"}


def blank_template_code(source: str) -> str:
    """The template's literal text only: tags, variables, comments and translated blocks blanked.

    Newlines are kept so that line numbers still point into the original file.
    """
    pieces: list[str] = []
    closing: str | None = None
    depth = 0  # nesting of {% block %} inside a hidden block
    for token in Lexer(source).tokenize():
        if token.token_type is TokenType.BLOCK:
            bits = token.contents.split()
            name = bits[0] if bits else ""
            if closing is None and name in SKIPPED_BLOCKS:
                closing = SKIPPED_BLOCKS[name]
            elif closing is None and name == "block" and len(bits) > 1 and bits[1] in HIDDEN_TEMPLATE_BLOCKS:
                closing, depth = "endblock", 0
            elif closing == "endblock" and name == "block":
                depth += 1
            elif name == closing and depth:
                depth -= 1
            elif name == closing:
                closing = None
            pieces.append("\n" * token.contents.count("\n"))
        elif token.token_type is TokenType.TEXT and closing is None:
            pieces.append(token.contents)
        else:
            pieces.append("\n" * token.contents.count("\n"))
    return "".join(pieces)


class _VisibleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hidden_depth = 0
        self.found: list[tuple[int, str]] = []

    def _attributes(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name, value in attrs:
            visible = name in VISIBLE_ATTRIBUTES or (
                name == "value" and tag == "input" and (values.get("type") or "").lower() in BUTTON_INPUT_TYPES
            )
            if visible and value and LETTER.search(value):
                self.found.append((self.getpos()[0], f'{name}="{value.strip()}"'))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style"}:
            self.hidden_depth += 1
        self._attributes(tag, attrs)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._attributes(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style"} and self.hidden_depth:
            self.hidden_depth -= 1

    def handle_data(self, data: str) -> None:
        if self.hidden_depth or not (letter := LETTER.search(data)):
            return
        line = self.getpos()[0] + data.count("\n", 0, letter.start())
        self.found.append((line, data.strip()))


def untranslated_text(source: str, *, html: bool = True) -> list[tuple[int, str]]:
    """(line, text) of each piece of visible text that is not inside a translation tag."""
    literal = blank_template_code(source)
    if not html:
        return [(number, line.strip()) for number, line in enumerate(literal.splitlines(), 1) if LETTER.search(line)]
    parser = _VisibleText()
    parser.feed(literal)
    parser.close()
    return parser.found


def template_files() -> list[Path]:
    return sorted(path for folder in TEMPLATE_DIRS for path in folder.rglob("*") if path.suffix in {".html", ".txt"})


def test_template_checker_finds_text_outside_translation_tags():
    """The checker flags bare words and visible attributes, and accepts translated, coded or hidden text."""
    flagged = untranslated_text(
        '{% load i18n %}<p class="lead">Hello</p>\n<img src="x.png" alt="Photo">\n'
        '<input type="submit" value="Send"><input type="hidden" name="next" value="back">'
    )
    assert [line for line, _text in flagged] == [1, 2, 3]
    assert (
        untranslated_text(
            '{% load i18n %}<p>{% translate "Hello" %}</p>{# note #}{% comment %}Draft{% endcomment %}\n'
            "{% blocktranslate with n=count %}{{ n }} files{% endblocktranslate %}"
            '<a href="{% url "x" %}" aria-label="{% translate "Home" %}">{{ name }}</a>'
            "<script src=x defer></script><style>body { color: red }</style>&nbsp;&middot; 12:30 — №"
            "{% block bodyclass %}{{ block.super }} page-list{% block x %}inner{% endblock %} more{% endblock %}"
        )
        == []
    )
    assert untranslated_text("{% block bodyclass %}a{% block x %}b{% endblock %}{% endblock %}<p>Shown</p>") == [
        (1, "Shown")
    ]
    assert untranslated_text("{% load i18n %}{% translate 'Code' %}: {{ code }}\nThanks", html=False) == [(2, "Thanks")]


def test_templates_hold_no_text_outside_translation_tags():
    """Every template's visible text and visible attributes are inside translation tags."""
    problems = []
    files = template_files()
    assert files, "no templates found"
    for path in files:
        source = path.read_text(encoding="utf-8")
        for line, text in untranslated_text(source, html=path.suffix == ".html"):
            problems.append(f"{path.relative_to(ROOT)}:{line}: {text[:80]!r}")
    assert not problems, "text outside a translation tag:\n" + "\n".join(problems)


# ----------------------------------------------------------------------------------------------
# Catalogues: complete, not fuzzy, placeholders kept, and compiled .mo files up to date.


def catalogue_files() -> list[Path]:
    return sorted(path for folder in CATALOGUE_DIRS for path in folder.glob("*/LC_MESSAGES/*.po"))


def _catalogue_params() -> list:
    found = catalogue_files()
    if not found:
        return [pytest.param(None, marks=pytest.mark.skip(reason="no catalogues yet: run `make messages`"))]
    return [pytest.param(path, id=str(path.relative_to(ROOT))) for path in found]


def catalogue_problems(po: polib.POFile) -> list[str]:
    """Untranslated and fuzzy entries, a fuzzy header, wrong plural counts and lost placeholders."""
    problems = []
    if po.metadata_is_fuzzy:
        problems.append("the header is marked fuzzy (msgfmt would drop it, and the plural rules with it)")
    plural_forms = re.search(r"nplurals\s*=\s*(\d+)", po.metadata.get("Plural-Forms", ""))
    nplurals = int(plural_forms.group(1)) if plural_forms else None
    for entry in po:
        if entry.obsolete:
            continue
        where = f"line {entry.linenum}: {entry.msgid[:60]!r}"
        if entry.fuzzy:
            problems.append(f"fuzzy, {where}")
            continue
        if not entry.translated():
            problems.append(f"untranslated, {where}")
            continue
        if entry.msgid_plural:
            if nplurals is not None and len(entry.msgstr_plural) != nplurals:
                problems.append(f"{len(entry.msgstr_plural)} plural forms instead of {nplurals}, {where}")
            wanted = placeholders(entry.msgid) | placeholders(entry.msgid_plural)
            translations = list(entry.msgstr_plural.values())
        else:
            wanted = placeholders(entry.msgid)
            translations = [entry.msgstr]
        for text in translations:
            if not placeholders(text) <= wanted or (not entry.msgid_plural and placeholders(text) != wanted):
                problems.append(f"placeholders {sorted(placeholders(text))} instead of {sorted(wanted)}, {where}")
    return problems


def placeholders(text: str) -> set[str]:
    """Named placeholders: ``%(name)s`` and ``{name}``."""
    return set(re.findall(r"%\((\w+)\)", text)) | set(re.findall(r"(?<!\{)\{(\w+)\}(?!\})", text))


def _compiled(entries, *, source: bool) -> dict:
    """(context, msgid, plural) → translation, for what a compiler keeps: translated, not fuzzy."""
    result = {}
    for entry in entries:
        if not entry.msgid or (source and (entry.obsolete or entry.fuzzy or not entry.translated())):
            continue
        value = tuple(sorted(entry.msgstr_plural.items())) if entry.msgid_plural else entry.msgstr
        result[(entry.msgctxt, entry.msgid, entry.msgid_plural)] = value
    return result


def stale_compilation(po_path: Path) -> list[str]:
    """How the compiled ``.mo`` beside a ``.po`` differs from it (empty when they agree)."""
    mo_path = po_path.with_suffix(".mo")
    if not mo_path.exists():
        return [f"{mo_path.name} is missing: run `make messages`"]
    expected = _compiled(polib.pofile(str(po_path)), source=True)
    compiled = _compiled(polib.mofile(str(mo_path)), source=False)
    differences = [f"not compiled: {key[1][:60]!r}" for key in expected.keys() - compiled.keys()]
    differences += [f"compiled but gone from the .po: {key[1][:60]!r}" for key in compiled.keys() - expected.keys()]
    differences += [
        f"compiled translation differs: {key[1][:60]!r}"
        for key in expected.keys() & compiled.keys()
        if expected[key] != compiled[key]
    ]
    return differences


def _po(tmp_path: Path, entries: list[polib.POEntry], *, language: str = "ru") -> Path:
    po = polib.POFile()
    po.metadata = {
        "Content-Type": "text/plain; charset=UTF-8",
        "Language": language,
        "Plural-Forms": "nplurals=2; plural=(n != 1);",
    }
    for entry in entries:
        po.append(entry)
    path = tmp_path / "django.po"
    po.save(str(path))
    return path


def test_catalogue_checks_catch_each_kind_of_problem(tmp_path):
    """Untranslated, fuzzy, lost placeholders and missing plural forms are each reported."""
    path = _po(
        tmp_path,
        [
            polib.POEntry(msgid="Start now", msgstr="Начать"),
            polib.POEntry(msgid="Log in", msgstr=""),
            polib.POEntry(msgid="Send", msgstr="Отправить", flags=["fuzzy"]),
            polib.POEntry(msgid="Up to %(size)s MB", msgstr="До 5 МБ", flags=["python-format"]),
            polib.POEntry(msgid="%(n)s file", msgid_plural="%(n)s files", msgstr_plural={0: "%(n)s файл"}),
        ],
    )
    problems = catalogue_problems(polib.pofile(str(path)))
    assert [problem.split(",")[0] for problem in problems] == [
        "untranslated",
        "fuzzy",
        "placeholders [] instead of ['size']",
        "1 plural forms instead of 2",
    ]
    complete = _po(tmp_path, [polib.POEntry(msgid="Up to %(size)s MB", msgstr="До %(size)s МБ")])
    assert catalogue_problems(polib.pofile(str(complete))) == []


def test_stale_compilation_is_detected(tmp_path):
    """A .mo that is missing, or compiled before the .po changed, is reported."""
    path = _po(tmp_path, [polib.POEntry(msgid="Start now", msgstr="Начать")])
    assert stale_compilation(path) == ["django.mo is missing: run `make messages`"]
    polib.pofile(str(path)).save_as_mofile(str(path.with_suffix(".mo")))
    assert stale_compilation(path) == []
    po = polib.pofile(str(path))
    po[0].msgstr = "Начать сейчас"
    po.append(polib.POEntry(msgid="Log in", msgstr="Войти"))
    po.save(str(path))
    assert sorted(stale_compilation(path)) == [
        "compiled translation differs: 'Start now'",
        "not compiled: 'Log in'",
    ]


@pytest.mark.parametrize("po_path", _catalogue_params())
def test_catalogue_is_complete(po_path):
    """No untranslated or fuzzy entry, no lost placeholder, the right number of plural forms."""
    problems = catalogue_problems(polib.pofile(str(po_path)))
    assert not problems, f"{po_path.relative_to(ROOT)}:\n" + "\n".join(problems)


@pytest.mark.parametrize("po_path", _catalogue_params())
def test_compiled_catalogue_matches_its_source(po_path):
    """The committed .mo holds exactly the .po's translations (recompile after every change)."""
    differences = stale_compilation(po_path)
    assert not differences, f"{po_path.relative_to(ROOT)}:\n" + "\n".join(differences)


@pytest.mark.parametrize("folder", CATALOGUE_DIRS, ids=lambda folder: str(folder.relative_to(ROOT)))
def test_every_language_has_a_catalogue(folder):
    """Each catalogue folder has a catalogue of every domain for every language (zh-hans in zh_Hans/)."""
    if not folder.is_dir():
        pytest.skip(f"{folder.relative_to(ROOT)}/ not generated yet: run `make messages` and fill it")
    domains = {path.name for path in folder.glob("*/LC_MESSAGES/*.po")}
    missing = [
        f"{to_locale(code)}/LC_MESSAGES/{domain}"
        for code in LANGUAGE_CODES
        for domain in domains
        if not (folder / to_locale(code) / "LC_MESSAGES" / domain).exists()
    ]
    assert domains and not missing, f"{folder.relative_to(ROOT)} lacks {missing or 'any catalogue'}"


# The catalogues against the source: a string added to the code must reach the catalogues.

EXTRACTED = ("config", "registration", "templates", "validators")


def _extract(into: Path) -> dict[str, set[tuple[str | None, str]]]:
    """Run ``makemessages`` for Russian on a copy of the source; the (context, msgid) pairs per catalogue."""
    import shutil
    import subprocess
    import sys

    for name in EXTRACTED:
        shutil.copytree(ROOT / name, into / name, ignore=shutil.ignore_patterns("__pycache__", "*.mo", "*.po"))
    shutil.copy(ROOT / "manage.py", into / "manage.py")
    for folder in ("locale", "validators/locale"):
        (into / folder / "ru" / "LC_MESSAGES").mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "manage.py", "makemessages", "-l", "ru", "--no-location", "-e", "html,txt,py"]
    subprocess.run(command, cwd=into, check=True, capture_output=True, env={**_environ(), "PYTHONPATH": str(into)})
    return {
        folder: {
            (entry.msgctxt, entry.msgid) for entry in polib.pofile(str(into / folder / "ru/LC_MESSAGES/django.po"))
        }
        for folder in ("locale", "validators/locale")
    }


def _environ() -> dict[str, str]:
    import os

    return {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}


def test_catalogues_hold_every_string_of_the_source(tmp_path):
    """``make messages`` would add nothing: each translatable string in the code is in the catalogues."""
    import os
    import shutil

    if not shutil.which("xgettext"):
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("GNU gettext (xgettext) is missing: install the gettext package")
        pytest.skip("GNU gettext (xgettext) is not installed")
    extracted = _extract(tmp_path)
    for folder, found in extracted.items():
        committed = {
            (entry.msgctxt, entry.msgid) for entry in polib.pofile(str(ROOT / folder / "ru/LC_MESSAGES/django.po"))
        }
        missing = sorted(msgid for _, msgid in found - committed)
        assert not missing, f"{folder}: not in the catalogue, run `make messages` and translate:\n" + "\n".join(missing)
