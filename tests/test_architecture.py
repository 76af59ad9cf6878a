"""Who may import whom (ARCHITECTURE.md), read from the source so that a stray import fails here.

- ``validators`` imports nothing from ``registration`` or ``config``; only its Django adapters
  (``validators/django``) import Django.
- The site is one Django app per concern under ``registration/``. Each app imports only the apps below
  it (``ALLOWED``): ``core`` none, ``accounts`` and ``codes`` only ``core``, the feature apps the
  base apps, and the person's cabinet and the clerks' workspace the feature apps' flows. Nothing
  imports the demo data.
- Models, flows and the state machine import no views, forms, admin, URLs or template tags.
- Each app with models owns its migrations; each app's templates live in ``<app>/templates/<app>/``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "registration"
UI = ("views", "forms", "admin", "urls", "templatetags", "widgets")

BASE = {"core", "accounts", "codes"}
FEATURES = {"identity", "profile", "support", "onboarding", "registries"}
#: Each app, and the other apps it may import.
ALLOWED: dict[str, set[str]] = {
    "core": set(),
    "accounts": {"core"},
    "codes": {"core"},
    # The agencies' registries: asked about an application (accounts), answers recorded and audited.
    "registries": {"core", "accounts"},
    # The results of services (notices, decisions) and the state fees paid for them.
    "documents": {"core", "accounts"},
    "payments": {"core", "accounts"},
    # The mobile identification method and the automatic confirmation read the registries' answers.
    "identity": BASE | {"registries"},
    "profile": BASE,
    # Caller verification resends a contact code through the profile's flows.
    "support": BASE | {"profile"},
    # A submitted application is checked with the registries; the INN "Check" asks the tax service.
    "onboarding": BASE | {"registries"},
    # The personal-data lifecycle: closing stops the identity work; retention purges the wizard's drafts, the
    # support threads and the services' abandoned drafts and old refusals; the archive holds the person's
    # applications, payments and documents (their PDFs); erasure keeps the payments, anonymised.
    "privacy": BASE | {"identity", "onboarding", "support", "services", "payments", "documents"},
    # Services in the cabinet: forms reuse the wizard's address step; results are documents, fees payments.
    "services": BASE | {"documents", "payments", "onboarding", "access"},
    # The access policy also answers for issued documents (the owner's PDF, the clerks' list and revoking)
    # and for applications for services.
    "access": BASE | {"identity", "profile", "support", "documents", "services"},
    # The cabinet lists the person's issued documents; the workspace lists them and revokes one.
    "cabinet": BASE | FEATURES | {"access", "documents", "privacy", "services"},
    # The finance desk reads the payments and refunds one; the migration officers decide services.
    "workspace": BASE | FEATURES | {"access", "documents", "payments", "services"},
    "demo": BASE | FEATURES | {"services"},
    # The site's URL list joins the apps' pages; the public check page of issued documents is the documents app's.
    # The scheduler names the tasks it queues by their dotted paths (registration/scheduler/schedule.py).
    "scheduler": {"core"},
    "urls": {"cabinet", "onboarding", "access", "documents", "privacy", "payments"},
}
APPS = sorted(path.name for path in SITE.iterdir() if (path / "apps.py").exists())


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
    return sorted(p for p in target.rglob("*.py") if "migrations" not in p.parts) if target.is_dir() else [target]


def app_of(module: str) -> str | None:
    """The site's app a dotted module name belongs to (``registration.codes.sms`` → ``codes``)."""
    parts = module.split(".")
    return parts[1] if parts[0] == "registration" and len(parts) > 1 else None


def owner(path: Path) -> str:
    relative = path.relative_to(SITE)
    return relative.parts[0] if len(relative.parts) > 1 else relative.stem


def ui_modules(found: set[str]) -> set[str]:
    """The imported names that are the site's user-interface layer."""
    return {
        name
        for name in found
        if (name.startswith("registration.") and any(part in UI for part in name.split(".")[2:]))
        or app_of(name) in ("cabinet", "workspace")
    }


@pytest.mark.parametrize("path", sources("validators"), ids=lambda path: str(path.relative_to(ROOT)))
def test_validators_stand_alone(path):
    """The library never reaches into the site, and only its adapters know Django."""
    found = imports(path)
    assert not {name for name in found if name.split(".")[0] in ("registration", "config")}
    if path.relative_to(ROOT / "validators").parts[0] not in ("django.py", "django"):
        assert not {name for name in found if name.split(".")[0] == "django"}, "only validators.django imports Django"


SITE_SOURCES = [path for path in sources("registration") if owner(path) not in ("__init__",)]


@pytest.mark.parametrize("path", SITE_SOURCES, ids=lambda path: str(path.relative_to(ROOT)))
def test_each_app_imports_only_the_apps_below_it(path):
    """An app's module imports its own app and the apps ``ALLOWED`` names, never one above it."""
    own = owner(path)
    assert own in ALLOWED, f"{own} is not in the architecture's table"
    imported = {app_of(name) for name in imports(path)} - {None, own}
    assert imported <= ALLOWED[own], f"{path.name} imports {sorted(imported - ALLOWED[own])}"


def test_nothing_imports_the_demo_data():
    """The demo data is for ``make run`` only: no production code path imports it."""
    offenders = [
        str(path.relative_to(ROOT))
        for path in SITE_SOURCES
        if owner(path) != "demo" and any(app_of(name) == "demo" for name in imports(path))
    ]
    assert offenders == []


CORE_LOGIC = [
    path
    for path in SITE_SOURCES
    if owner(path) not in ("cabinet", "workspace", "urls", "demo")
    and (
        path.stem in ("flows", "status", "access", "submit", "desk", "caller", "codes")
        or {"models", "flows"} & set(path.parts)
    )
]


@pytest.mark.parametrize("path", CORE_LOGIC, ids=lambda path: str(path.relative_to(ROOT)))
def test_models_and_flows_import_no_user_interface(path):
    """Models and flows are called by views and the admin, never the other way round."""
    assert not ui_modules(imports(path))


@pytest.mark.parametrize("app", APPS)
def test_each_app_owns_its_migrations_and_templates(app):
    """An app with models has its own migrations; an app's pages live in ``templates/<app>/``."""
    folder = SITE / app
    if (folder / "models.py").exists() or (folder / "models").is_dir():
        assert (folder / "migrations" / "0001_initial.py").exists()
    templates = folder / "templates"
    if templates.is_dir():
        tops = {child.name for child in templates.iterdir()}
        assert tops <= {app, "admin"}, f"{app} keeps templates outside templates/{app}/: {tops}"


def test_the_rules_see_a_forbidden_import(tmp_path):
    """The reader resolves relative imports, so ``from ..cabinet import views`` counts."""
    probe = tmp_path / "probe.py"
    probe.write_text("from ..cabinet import views\nfrom . import flows\n", encoding="utf-8")
    found = imports(probe, package="registration.identity")
    assert ui_modules(found) == {"registration.cabinet", "registration.cabinet.views"}
    assert "registration.identity.flows" in found
    assert {app_of(name) for name in found} - {None, "identity"} == {"cabinet"}
    assert "cabinet" not in ALLOWED["identity"]
