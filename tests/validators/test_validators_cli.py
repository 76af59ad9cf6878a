"""Tests for the command line, in-process and as ``python -m validators``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from validators.__main__ import main

REPO = Path(__file__).resolve().parents[2]
SPECIMEN = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10\n"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    """Run main() and return the exit status, standard output and standard error."""
    try:
        status = main(list(argv))
    except SystemExit as exc:  # argparse's own usage errors
        status = exc.code
    out, err = capsys.readouterr()
    return status, out, err


def test_subprocess_valid_and_invalid():
    """``python -m validators`` prints the clean value and exits 0, or the error and exits 1."""
    ok = subprocess.run(
        [sys.executable, "-m", "validators", "snils", "112-233-445 95"],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    assert (ok.returncode, ok.stdout, ok.stderr) == (0, "11223344595\n", "")
    bad = subprocess.run(
        [sys.executable, "-m", "validators", "snils", "112-233-445 96"],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    assert bad.returncode == 1 and bad.stdout == ""
    assert bad.stderr == (
        "112-233-445 96: snils_checksum: Check the SNILS: its last two digits do not match the others, "
        "so a digit is mistyped.\n"
    )
    usage = subprocess.run(
        [sys.executable, "-m", "validators", "colour", "red"],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    assert usage.returncode == 2


@pytest.mark.parametrize(
    ("argv", "out"),
    [
        (["snils", "112-233-445 95", "026 002 389 00"], "11223344595\n02600238900\n"),
        (["inn", "500100732259", "--kind", "person"], "500100732259\n"),
        (["ogrn", "1027700132195", "--kind", "company"], "1027700132195\n"),
        (["passport", "fa 1234567", "--country", "UZ"], "FA1234567\n"),
        (["phone", "+7 916 123-45-67"], "+79161234567\n"),
        (["date", "25.03.1990"], "25.03.1990\n"),
        (["birth-date", "25.03.1990"], "25.03.1990\n"),
        (["valid-until", "01.01.2999"], "01.01.2999\n"),
        (["name", "Shchukin"], "Shchukin\tЩукин\n"),
        (["region", "75"], "75\tЗабайкальский край\tZabaykalsky Krai\n"),
        (["postcode", "101 000"], "101000\n"),
        (["document", "--kind", "residence_permit", "82", "№ 1234567"], "82 1234567\n"),
        (["document", "--kind", "temporary_residence", "", "123/2024"], "123/2024\n"),
    ],
)
def test_valid_values(capsys, argv, out):
    """Valid values print in their clean form and exit 0."""
    assert run(capsys, *argv) == (0, out, "")


def test_mrz_value_and_file(capsys, tmp_path):
    """An MRZ is read from a value or from a file holding its lines."""
    status, out, _ = run(capsys, "mrz", SPECIMEN)
    assert status == 0 and "document_number: L898902C3" in out and "birth_date: 12.08.1974" in out
    path = tmp_path / "zone.txt"
    path.write_text(SPECIMEN)
    status, out, _ = run(capsys, "mrz", "--file", str(path))
    assert status == 0 and "surname: ERIKSSON" in out
    path.write_text(SPECIMEN.replace("7408122", "7408123"))
    status, out, err = run(capsys, "mrz", "--file", str(path))
    assert status == 1 and err.startswith("line 1: mrz_check_digit_birth_date: ")


def test_scan(capsys, tmp_path, good_png):
    """A scan path prints what the check found."""
    path = tmp_path / "scan.png"
    path.write_bytes(good_png)
    status, out, _ = run(capsys, "scan", str(path))
    assert status == 0 and out.startswith("kind=png size=") and "dpi=300" in out
    wrong = tmp_path / "scan.pdf"
    wrong.write_bytes(good_png)
    status, _, err = run(capsys, "scan", str(wrong))
    assert status == 1 and "scan_extension_mismatch" in err
    status, _, err = run(capsys, "scan", str(tmp_path / "missing.png"))
    assert status == 2 and "cannot read" in err


def test_bulk_file(capsys, tmp_path):
    """--file checks one value per line and reports invalid lines by number."""
    path = tmp_path / "inns.txt"
    path.write_text("7707083893\n\n7707083894\n500100732259\nabc\n")
    status, out, err = run(capsys, "inn", "--file", str(path))
    assert status == 1
    assert out == "7707083893\n500100732259\n"
    assert err.splitlines() == [
        "line 3: inn_checksum: Check the INN: its check digits do not match the others, so a digit is mistyped.",
        "line 5: inn_invalid_characters: An INN has only digits.",
    ]


def test_invalid_document(capsys):
    """An invalid document prints its series, number and error."""
    status, _, err = run(capsys, "document", "82", "123", "--kind", "residence_permit")
    assert status == 1 and err.startswith("82 123: document_number_format: ")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["snils"], "give either values or --file"),
        (["snils", "1", "--file", "x"], "give either values or --file"),
        (["passport", "AB1234567"], "passport needs --country"),
        (["inn", "7707083893", "--kind", "firm"], "inn --kind must be person or company"),
        (["ogrn", "1027700132195", "--kind", "person"], "ogrn --kind must be company or entrepreneur"),
        (["document", "82", "1234567"], "document needs --kind"),
        (["document", "82", "--kind", "residence_permit"], "document takes two values"),
        (["snils", "--file", "/nonexistent/numbers.txt"], "cannot read"),
    ],
)
def test_usage_errors(capsys, argv, message):
    """Usage errors exit 2 with a message."""
    status, _, err = run(capsys, *argv)
    assert status == 2 and message in err


def test_argparse_usage_error(capsys):
    """An unknown kind is argparse's usage error, exit 2."""
    status, _, err = run(capsys, "colour", "red")
    assert status == 2 and "invalid choice" in err


def test_unreadable_file(capsys, tmp_path):
    """A file that is not UTF-8 text is a usage error."""
    path = tmp_path / "binary.txt"
    path.write_bytes(b"\xff\xfe\x00")
    status, _, err = run(capsys, "snils", "--file", str(path))
    assert status == 2 and "cannot read" in err


def test_ogrn_of_the_wrong_kind_is_an_error_with_its_code(capsys):
    """An OGRN given where an entrepreneur's OGRNIP is asked for: exit 1, the library's code on standard error."""
    status, out, err = run(capsys, "ogrn", "1027700132195", "--kind", "entrepreneur")
    assert status == 1 and out == ""
    assert err.startswith("1027700132195: ogrn_company_for_entrepreneur: ")
