"""The catalogues' delta: the msgids of the Russian catalogue that another language lacks.

Russian is the reference: every string of the source reaches ``locale/ru`` (``tests/test_i18n.py``
checks that). This script compares each other language's catalogue with it, for the site
(``locale/``) and the library (``validators/locale/``), and lists what is missing, untranslated or
fuzzy there, and what is left over (no longer in Russian; entries translating Django's own messages,
marked "Django's own message" in their comment, are meant to be there).

    python scripts/i18n_delta.py              # a listing; exit status 1 when anything is missing
    python scripts/i18n_delta.py --json       # the same as JSON, with the Russian text, to translate
    python scripts/i18n_delta.py --apply FILE # write translations (that JSON, msgstr filled) and compile

In the JSON each entry has ``msgid``, ``msgid_plural``, ``msgctxt`` and ``ru``; to apply, give each a
``msgstr`` (a string) or, for a plural entry, ``msgstr_plural`` (a list with the language's number of
forms). New entries go at the end of the catalogue with the Russian entry's flags, and the ``.mo`` is
compiled again. It needs only polib (and GNU msgfmt, if installed, to check the result).
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import polib

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = {"locale": ROOT / "locale", "validators/locale": ROOT / "validators" / "locale"}
REFERENCE = "ru"
# Entries that translate Django's own messages where Django's catalogue for the language falls short:
# not in the Russian catalogue (Django's Russian is complete), and not left over.
DJANGOS_OWN = "Django's own message"

Key = tuple[str | None, str, str]


def _key(entry: polib.POEntry) -> Key:
    return (entry.msgctxt, entry.msgid, entry.msgid_plural)


def _catalogue(folder: Path, language: str) -> Path:
    return folder / language / "LC_MESSAGES" / "django.po"


def languages(folder: Path) -> list[str]:
    """The language folders beside the reference, as Django names them (zh_Hans, not zh-hans)."""
    return sorted(
        path.parent.parent.name
        for path in folder.glob("*/LC_MESSAGES/django.po")
        if path.parent.parent.name != REFERENCE
    )


def delta(folder: Path, language: str) -> dict[str, list[dict[str, Any]]]:
    """What ``language`` lacks against the reference, and what it holds that the reference no longer does."""
    reference = polib.pofile(str(_catalogue(folder, REFERENCE)))
    path = _catalogue(folder, language)
    ours = {_key(entry): entry for entry in polib.pofile(str(path)) if not entry.obsolete} if path.exists() else {}
    missing = []
    for entry in reference:
        if entry.obsolete:
            continue
        mine = ours.get(_key(entry))
        if mine is None or mine.fuzzy or not mine.translated():
            missing.append(
                {
                    "msgctxt": entry.msgctxt,
                    "msgid": entry.msgid,
                    "msgid_plural": entry.msgid_plural or None,
                    "ru": [entry.msgstr_plural[n] for n in sorted(entry.msgstr_plural)]
                    if entry.msgid_plural
                    else entry.msgstr,
                    "state": "missing" if mine is None else "fuzzy" if mine.fuzzy else "untranslated",
                }
            )
    known = {_key(entry) for entry in reference if not entry.obsolete}
    leftover = [
        {"msgctxt": key[0], "msgid": key[1]}
        for key, entry in ours.items()
        if key not in known and not entry.tcomment.startswith(DJANGOS_OWN)
    ]
    return {"missing": missing, "leftover": leftover}


def report() -> dict[str, dict[str, dict[str, list[dict[str, Any]]]]]:
    return {
        name: {language: delta(folder, language) for language in languages(folder)}
        for name, folder in CATALOGUES.items()
    }


def _nplurals(po: polib.POFile) -> int:
    found = re.search(r"nplurals\s*=\s*(\d+)", po.metadata.get("Plural-Forms", ""))
    return int(found.group(1)) if found else 2


def apply(translations: dict[str, dict[str, list[dict[str, Any]]]]) -> list[str]:
    """Write the given translations into the catalogues and compile them; the problems found, if any."""
    problems: list[str] = []
    for name, per_language in translations.items():
        folder = CATALOGUES[name]
        reference = {_key(entry): entry for entry in polib.pofile(str(_catalogue(folder, REFERENCE)))}
        for language, entries in per_language.items():
            path = _catalogue(folder, language)
            po = polib.pofile(str(path))
            existing = {_key(entry): entry for entry in po}
            nplurals = _nplurals(po)
            for item in entries:
                key = (item.get("msgctxt"), item["msgid"], item.get("msgid_plural") or "")
                source = reference.get(key)
                if source is None:
                    problems.append(f"{name}/{language}: not in the Russian catalogue: {item['msgid'][:60]!r}")
                    continue
                if source.msgid_plural:
                    forms = item.get("msgstr_plural") or []
                    if len(forms) != nplurals or not all(forms):
                        problems.append(f"{name}/{language}: {nplurals} plural forms wanted: {item['msgid'][:60]!r}")
                        continue
                elif not item.get("msgstr"):
                    problems.append(f"{name}/{language}: no msgstr: {item['msgid'][:60]!r}")
                    continue
                entry = existing.get(key)
                if entry is None:
                    entry = polib.POEntry(msgctxt=source.msgctxt, msgid=source.msgid, msgid_plural=source.msgid_plural)
                    po.append(entry)
                    existing[key] = entry
                entry.flags = [flag for flag in source.flags if flag != "fuzzy"]
                if source.msgid_plural:
                    entry.msgstr_plural = dict(enumerate(item["msgstr_plural"]))
                else:
                    entry.msgstr = item["msgstr"]
            po.save(str(path))
            problems += _compile(path)
    return problems


def _compile(path: Path) -> list[str]:
    mo = path.with_suffix(".mo")
    if shutil.which("msgfmt"):
        result = subprocess.run(["msgfmt", "--check", "-o", str(mo), str(path)], capture_output=True, text=True)
        return [f"{path.relative_to(ROOT)}: {result.stderr.strip()}"] if result.returncode else []
    polib.pofile(str(path)).save_as_mofile(str(mo))
    return []


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the delta as JSON")
    parser.add_argument("--apply", metavar="FILE", type=Path, help="write the translations in FILE (JSON) and compile")
    args = parser.parse_args(argv)
    if args.apply:
        problems = apply(json.loads(args.apply.read_text(encoding="utf-8")))
        print("\n".join(problems) or "applied")
        return 1 if problems else 0
    found = report()
    if args.json:
        print(
            json.dumps(
                {name: {lang: d["missing"] for lang, d in per.items()} for name, per in found.items()},
                ensure_ascii=False,
                indent=1,
            )
        )
    else:
        for name, per_language in found.items():
            for language, result in per_language.items():
                print(f"{name}/{language}: {len(result['missing'])} to translate, {len(result['leftover'])} left over")
                for item in result["missing"]:
                    print(f"  {item['state']}: {item['msgid'][:100]!r}")
                for item in result["leftover"]:
                    print(f"  left over: {item['msgid'][:100]!r}")
    return 1 if any(d["missing"] for per in found.values() for d in per.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
