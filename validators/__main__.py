"""Command line: ``python -m validators KIND VALUE... [--country CC] [--kind K] [--file PATH]``.

Each valid value is printed in its clean form on standard output; each invalid one on standard
error as ``VALUE: code: message``. With ``--file`` the values are the file's lines (empty lines are
skipped), and invalid ones are reported as ``line N: code: message``; for ``mrz`` the file holds the
lines of one zone. Exit status: 0 all valid, 1 something invalid, 2 a usage error.

Kinds: snils, inn (``--kind person|company``), ogrn (``--kind company|entrepreneur``), passport
(``--country``), phone, date, birth-date, valid-until, mrz, scan (paths), name (Latin; prints the
Cyrillic proposal too), region, postcode, document (``--kind`` a kind of document of stay; values
SERIES NUMBER), mrz-read (paths of scans or photos: finds and reads the machine-readable zone, needs
the ``ocr`` extra; ``--json`` prints one JSON object per file).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from typing import Any

from validators import (
    ValidationError,
    dates,
    documents,
    inn,
    mrz,
    names,
    ogrn,
    passport,
    phone,
    postcode,
    regions,
    scans,
    snils,
)


def _mrz_text(zone: mrz.MRZ) -> str:
    fields = {**vars(zone), "birth_date": dates.format(zone.birth_date)}
    fields["expiry_date"] = dates.format(zone.expiry_date)
    fields["lines"] = " / ".join(zone.lines)
    return "\n".join(f"{key}: {value}" for key, value in fields.items())


def _mrz_read(options: argparse.Namespace) -> int:
    """Read the zone of each file; print its fields (or a JSON object a line with ``--json``)."""
    try:
        from validators.mrz import reading
    except ImportError as exc:
        print(f"python -m validators: error: {exc}", file=sys.stderr)
        return 2
    status = 0
    for path in options.values:
        try:
            zone = reading.read(path)
        except ValidationError as exc:
            print(f"{path}: {exc.code}: {exc}", file=sys.stderr)
            status = 1
            continue
        except OSError as exc:
            print(f"{path}: cannot read: {exc.strerror}", file=sys.stderr)
            return 2
        if options.json:
            print(json.dumps({"file": path, **zone.as_dict()}, ensure_ascii=False))
        else:
            print(f"file: {path}\n{_mrz_text(zone)}\n")
    return status


def _scan_text(info: scans.ScanInfo) -> str:
    return " ".join(f"{key}={value}" for key, value in vars(info).items())


def _region_text(code: str) -> str:
    return f"{code}\t{regions.name(code, 'ru')}\t{regions.name(code, 'en')}"


def _name_text(name: str) -> str:
    return f"{name}\t{names.to_cyrillic(name)}"


def _checker(kind: str, options: argparse.Namespace) -> Callable[[str], str]:
    """A function from one value to its printed clean form; raises ValidationError."""
    simple: dict[str, Callable[[str], Any]] = {
        "snils": snils.validate,
        "phone": phone.validate,
        "postcode": postcode.validate,
        "date": lambda value: dates.format(dates.parse(value)),
        "birth-date": lambda value: dates.format(dates.validate_birth_date(value)),
        "valid-until": lambda value: dates.format(dates.validate_valid_until(value)),
        "region": lambda value: _region_text(regions.validate(value)),
        "name": lambda value: _name_text(names.validate_latin(value)),
        "mrz": lambda value: _mrz_text(mrz.validate(value)),
        "scan": lambda value: _scan_text(scans.check(value)),
        "inn": lambda value: inn.validate(value, options.kind),
        "ogrn": lambda value: ogrn.validate(value, options.kind),
        "passport": lambda value: passport.validate(value, options.country),
    }
    return simple[kind]


KINDS = (
    "snils", "inn", "ogrn", "passport", "phone", "date", "birth-date", "valid-until", "mrz", "scan",
    "name", "region", "postcode", "document", "mrz-read",
)  # fmt: skip


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m validators",
        description="Check identifiers, dates, phones, names and scans.",
    )
    parser.add_argument("type", choices=KINDS, metavar="KIND", help="one of: " + ", ".join(KINDS))
    parser.add_argument("values", nargs="*", metavar="VALUE")
    parser.add_argument("--country", help="issuing country of a passport (ISO alpha-2, e.g. UZ)")
    parser.add_argument(
        "--kind", help="inn: person or company; ogrn: company or entrepreneur; document: " + ", ".join(documents.KINDS)
    )
    parser.add_argument("--file", help="check one value per line of this file (mrz: one zone)")
    parser.add_argument("--json", action="store_true", help="mrz-read: print JSON, one object per file")
    return parser


def _usage_problem(options: argparse.Namespace) -> str | None:
    if bool(options.values) == bool(options.file):
        return "give either values or --file"
    if options.type == "passport" and not options.country:
        return "passport needs --country"
    if options.type == "inn" and options.kind not in (None, *inn.KINDS):
        return "inn --kind must be person or company"
    if options.type == "ogrn" and options.kind not in (None, *ogrn.KINDS):
        return "ogrn --kind must be company or entrepreneur"
    if options.type == "mrz-read" and (options.file or not options.values):
        return "mrz-read takes the paths of scans or photos"
    if options.type == "document":
        if options.kind not in documents.KINDS:
            return "document needs --kind, one of: " + ", ".join(documents.KINDS)
        if options.file or len(options.values) != 2:
            return "document takes two values: SERIES NUMBER"
    return None


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = _parser()
    options = parser.parse_intermixed_args(argv)
    problem = _usage_problem(options)
    if problem:
        parser.print_usage(sys.stderr)
        print(f"{parser.prog}: error: {problem}", file=sys.stderr)
        return 2
    if options.type == "mrz-read":
        return _mrz_read(options)
    if options.type == "document":
        series, number = options.values
        try:
            print(" ".join(documents.validate(options.kind, series, number)).strip())
        except ValidationError as exc:
            print(f"{series} {number}: {exc.code}: {exc}", file=sys.stderr)
            return 1
        return 0
    check = _checker(options.type, options)
    if options.file:
        try:
            with open(options.file, encoding="utf-8") as handle:
                lines = handle.read().splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            print(f"{parser.prog}: error: cannot read {options.file}: {exc}", file=sys.stderr)
            return 2
        if options.type == "mrz":
            items = [("line 1", "\n".join(lines))]
        else:
            items = [(f"line {n}", line) for n, line in enumerate(lines, start=1) if line.strip()]
    else:
        items = [(value, value) for value in options.values]
    status = 0
    for label, value in items:
        try:
            print(check(value))
        except ValidationError as exc:
            print(f"{label}: {exc.code}: {exc}", file=sys.stderr)
            status = 1
        except OSError as exc:
            print(f"{label}: cannot read: {exc.strerror}", file=sys.stderr)
            return 2
    return status


if __name__ == "__main__":  # pragma: no cover - exercised through a subprocess
    sys.exit(main())
