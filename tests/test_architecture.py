"""Who may import whom (ARCHITECTURE.md), read from the source so that a stray import fails here.

- ``validators`` imports nothing from ``registration`` or ``config``; only ``validators.django``
  (``validators/django/``) imports Django.
- The core (``registration/models``, ``status.py``, ``services.py``) imports no views, forms, admin,
  wizard or workspace.
- ``registration/identity`` and ``registration/contact``, apart from their own page views, import the
  core and never the wizard, the site's views, the admin or the workspace.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
UI = ("views", "forms", "admin", "wizard", "workspace", "urls")


def imports(path: Path, package: str | None = None) -> set[str]:
    """Every module a file imports, as absolute dotted names (relative imports resolved)."""
    if package is None:
        package = ".".join(path.relative_to(ROOT).parent.parts)
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def sources(*parts: str) -> list[Path]:
    target = ROOT.joinpath(*parts)
    return sorted(target.rglob("*.py")) if target.is_dir() else [target]


def ui_modules(found: set[str]) -> set[str]:
    """The imported names that are the site's user-interface layer."""
    return {
        name for name in found if name.startswith("registration.") and any(part in UI for part in name.split(".")[1:])
    }


@pytest.mark.parametrize("path", sources("validators"), ids=lambda path: str(path.relative_to(ROOT)))
def test_validators_stand_alone(path):
    found = imports(path)
    assert not {name for name in found if name.split(".")[0] in ("registration", "config")}
    if path.relative_to(ROOT / "validators").parts[0] != "django":
        assert not {name for name in found if name.split(".")[0] == "django"}, "only validators.django imports Django"


CORE = [*sources("registration", "models"), ROOT / "registration/status.py", ROOT / "registration/services.py"]


@pytest.mark.parametrize("path", CORE, ids=lambda path: str(path.relative_to(ROOT)))
def test_core_imports_no_user_interface(path):
    assert not ui_modules(imports(path))


METHODS = [
    path for path in [*sources("registration", "identity"), *sources("registration", "contact")] if path.stem not in UI
]


@pytest.mark.parametrize("path", METHODS, ids=lambda path: str(path.relative_to(ROOT)))
def test_identity_and_contact_import_only_the_core(path):
    assert not ui_modules(imports(path))


def test_the_rules_see_a_forbidden_import(tmp_path):
    """The reader resolves relative imports, so ``from ..wizard import views`` counts."""
    probe = tmp_path / "probe.py"
    probe.write_text("from ..wizard import views\nfrom . import flows\n", encoding="utf-8")
    found = imports(probe, package="registration.identity")
    assert ui_modules(found) == {"registration.wizard", "registration.wizard.views"}
    assert "registration.identity.flows" in found
