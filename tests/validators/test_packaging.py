"""The library's wheel: what it holds, what it requires, and that it installs and runs without Django.

The wheel is built from a copy of ``pyproject.toml``, ``README.md`` and ``validators/`` (so nothing
left over in a ``build/`` folder can slip in). The fresh-venv test installs the wheel with its
dependencies from the package index; without the index it is skipped, except when ``CI=true``,
where that fails it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.request
import venv
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest
from packaging.requirements import Requirement

import validators

ROOT = Path(__file__).resolve().parents[2]
REQUIRED = {"python-stdnum", "phonenumbers", "pillow", "pypdf"}

pytestmark = pytest.mark.packaging


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The library's wheel, built without network access (the build backend is a dev dependency)."""
    source = tmp_path_factory.mktemp("source")
    shutil.copy(ROOT / "pyproject.toml", source)
    shutil.copy(ROOT / "README.md", source)
    shutil.copytree(ROOT / "validators", source / "validators", ignore=shutil.ignore_patterns("__pycache__"))
    out = tmp_path_factory.mktemp("dist")
    command = [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "-w", out, source]
    subprocess.run(command, check=True, capture_output=True, text=True, timeout=120)
    (built,) = out.glob("*.whl")
    return built


def _metadata(wheel: Path) -> tuple[list[str], dict[str, list[str]]]:
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        (metadata,) = [name for name in names if name.endswith(".dist-info/METADATA")]
        message = Parser().parsestr(archive.read(metadata).decode())
    return names, {key: message.get_all(key) or [] for key in ("Name", "Version", "Requires-Dist")}


def test_wheel_holds_the_library_only(wheel):
    """The wheel has the package, py.typed and every language's catalogue compiled, and no site package."""
    names, metadata = _metadata(wheel)
    assert metadata["Name"] == ["gosuslugi-validators"]
    assert metadata["Version"] == [validators.__version__]
    for language in ("ru", "en", "uz", "tg", "ky", "kk", "zh_Hans"):
        assert f"validators/locale/{language}/LC_MESSAGES/django.mo" in names
        assert f"validators/locale/{language}/LC_MESSAGES/django.po" in names
    assert {"validators/py.typed", "validators/scans/__init__.py", "validators/django/__init__.py"} <= set(names)
    assert {"validators/mrz/__init__.py", "validators/mrz/reading.py", "validators/mrz/ocrb.npz"} <= set(names)
    tops = {name.split("/")[0] for name in names}
    assert tops == {"validators", wheel.name.split("-")[0] + "-" + validators.__version__ + ".dist-info"}, tops


def test_wheel_requires_django_only_in_its_extra(wheel):
    """Required: python-stdnum, phonenumbers, Pillow, pypdf; Django only with the django extra."""
    _, metadata = _metadata(wheel)
    requirements = [Requirement(line) for line in metadata["Requires-Dist"]]
    required = {requirement.name.lower() for requirement in requirements if requirement.marker is None}
    assert required == REQUIRED
    django = [requirement for requirement in requirements if requirement.name.lower() == "django"]
    assert django and all(str(requirement.marker) == 'extra == "django"' for requirement in django)
    ocr = {requirement.name.lower(): str(requirement.marker) for requirement in requirements if requirement.marker}
    assert ocr["numpy"] == ocr["opencv-python-headless"] == 'extra == "ocr"'


def _index_url() -> str:
    found = subprocess.run(
        [sys.executable, "-m", "pip", "config", "get", "global.index-url"], capture_output=True, text=True, check=False
    ).stdout.strip()
    return os.environ.get("PIP_INDEX_URL") or found or "https://pypi.org/simple"


def _index_reachable(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url.rstrip('/')}/pypdf/", timeout=15):
            return True
    except OSError:
        return False


def test_wheel_installs_and_runs_without_django(wheel, tmp_path):
    """In a fresh venv the wheel installs without Django and works; with [django] the adapters speak Russian."""
    index = _index_url()
    if not _index_reachable(index):
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"the package index {index} is unreachable: the wheel's install cannot be checked")
        pytest.skip(f"the package index {index} is unreachable")
    environment = tmp_path / "venv"
    venv.create(environment, with_pip=False, system_site_packages=False)
    python = str(environment / "bin" / "python")
    started = time.monotonic()
    install = [sys.executable, "-m", "pip", "--python", python, "install", "--quiet", str(wheel)]
    result = subprocess.run(install, capture_output=True, text=True, timeout=240, check=False)
    assert result.returncode == 0, result.stderr
    print(f"fresh venv: the wheel and its dependencies installed in {time.monotonic() - started:.1f} s")

    def run(*argv: str) -> subprocess.CompletedProcess[str]:
        # -I: only the venv's own packages, never the repository (not on the path) nor PYTHON* variables.
        return subprocess.run([python, "-I", *argv], capture_output=True, text=True, cwd=tmp_path, timeout=60)

    no_django = run("-c", "import django")
    assert no_django.returncode != 0 and "ModuleNotFoundError" in no_django.stderr
    imported = run(
        "-c",
        "import pathlib, validators.snils, validators.scans; "
        "package = pathlib.Path(validators.__file__).parent; "
        "assert (package / 'py.typed').is_file() and (package / 'locale/ru/LC_MESSAGES/django.mo').is_file(); "
        "print(package)",
    )
    assert imported.returncode == 0, imported.stderr
    assert Path(imported.stdout.strip()).is_relative_to(environment)
    cli = run("-m", "validators", "snils", "112-233-445 95")
    assert (cli.returncode, cli.stdout, cli.stderr) == (0, "11223344595\n", "")
    invalid = run("-m", "validators", "snils", "11223344596")
    assert invalid.returncode == 1 and invalid.stderr.startswith("11223344596: snils_checksum: ")
    # Reading a zone needs the ocr extra, and says so; checking a typed zone does not.
    no_ocr = run("-m", "validators", "mrz-read", "scan.jpg")
    assert no_ocr.returncode == 2 and "pip install 'gosuslugi-validators[ocr]'" in no_ocr.stderr, no_ocr.stderr

    with_django = [*install[:-1], f"{wheel}[django]"]
    result = subprocess.run(with_django, capture_output=True, text=True, timeout=240, check=False)
    assert result.returncode == 0, result.stderr
    adapters = run(
        "-c",
        "import django; from django.conf import settings; "
        "settings.configure(INSTALLED_APPS=['validators'], USE_I18N=True); django.setup(); "
        "from django.utils import translation; from validators.django import SnilsField; "
        "translation.activate('ru'); "
        "from django.core.exceptions import ValidationError\n"
        "print(SnilsField().clean('112-233-445 95'))\n"
        "try:\n    SnilsField().clean('112-233-445 96')\n"
        "except ValidationError as error:\n    print(error.error_list[0].code, error.messages[0])",
    )
    assert adapters.returncode == 0, adapters.stderr
    assert adapters.stdout.splitlines() == [
        "11223344595",
        "snils_checksum Проверьте СНИЛС: две последние цифры не сходятся с остальными — значит, в номере опечатка.",
    ]
