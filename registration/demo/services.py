"""Demo data for the services: a migration officer, and a confirmed person whose stay registration waits
on the officer's desk (so that ``make run`` shows the desk with work on it)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from registration.accounts import status
from registration.accounts.models import Account, Document, DocumentKind, DocumentRole
from registration.demo.identity import DemoPerson, _applicant, _set_password, demo_scan_png
from registration.services import flows, registry
from registration.services.models import ServiceApplication
from validators import dates as vdates

OFFICER = ("migration@example.org", "migration officer", "Migration officers")
RESIDENT = DemoPerson(
    method="",
    email="resident@example.org",
    surname="KARIMOV",
    given_names="ALISHER",
    surname_cyrillic="КАРИМОВ",
    given_names_cyrillic="АЛИШЕР",
    citizenship="UZ",
    nationality="UZB",
    passport="FA7654321",
    sex="M",
    birth=date(1994, 3, 14),
)


def _officer(password: Callable[[], str]) -> tuple[str, str, str]:
    email, role, group_name = OFFICER
    secret = password()
    account = Account.objects.filter(email=email).first()
    if account is None:
        account = Account.objects.create_user(email, secret, is_staff=True, status="active")
    else:
        _set_password(account, secret)
    group = Group.objects.filter(name=group_name).first()
    if group is not None:
        account.groups.add(group)
    return role, email, secret


def _resident(secret: str) -> Account:
    """A confirmed person with a migration card valid for half a year."""
    applicant = _applicant(RESIDENT, 40, secret)
    account = applicant.account
    if not applicant.documents.filter(role=DocumentRole.STAY).exists():
        Document.objects.create(
            applicant=applicant,
            role=DocumentRole.STAY,
            kind=DocumentKind.MIGRATION_CARD,
            series="4512",
            number="1234567",
            issue_date=timezone.localdate() - timedelta(days=20),
            expiry_date=timezone.localdate() + timedelta(days=180),
        )
    if account.status != "active":
        status.activate(account, by=None, reason="demo data")
    return Account.objects.get(pk=account.pk)


def _stay_application(account: Account) -> ServiceApplication | None:
    """A submitted stay registration (made through the flows, as the cabinet makes one)."""
    service = registry.get("stay_registration")
    if service is None or ServiceApplication.objects.filter(account=account, service=service.code).exists():
        return None
    start = timezone.localdate()
    answers = {
        "address": {
            "region": ["77"],
            "city": ["Москва"],
            "street": ["ул. Тверская"],
            "house": ["7"],
            "flat": ["15"],
            "postcode": ["125009"],
        },
        "host": {
            "kind": ["organisation"],
            "organisation": ["ООО «Ромашка»"],
            "inn": ["7707083893"],
            "ogrn": ["1027700132195"],
        },
        "period": {"start": [vdates.format(start)], "end": [vdates.format(start + timedelta(days=89))]},
    }
    application = flows.start(account, service, answers=answers)
    application.steps_done = [step.name for step in service.steps]
    application.save(update_fields=["steps_done"])
    for index, scan in enumerate(service.scans):
        upload = SimpleUploadedFile(f"{scan.code}.png", demo_scan_png(50 + index), content_type="image/png")
        upload.scan_info = None  # type: ignore[attr-defined]
        flows.save_scan(application, scan.code, upload)
    application.refresh_from_db()
    return flows.submit(application, by=account)


def load(password: Callable[[], str]) -> tuple[list[tuple[str, str, str]], list[str]]:
    """Create the services' demo data; returns log-in lines (role, e-mail, password) and notes to print."""
    logins = [_officer(password)]
    secret = password()
    resident = _resident(secret)
    _stay_application(resident)
    notes = [
        "A confirmed person with a stay registration on the migration officers' desk (log in at /account/login/):",
        f"  {'confirmed resident':<22} {RESIDENT.email:<22} {secret}",
    ]
    return logins, notes
