"""Demo data for `make run`: service centres, a superuser and a clerk, staff per role and one pending
application per identity method, with their log-in details."""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction

from registration.identity import demo as identity_demo
from registration.models import Account, ServiceCentre

CENTRES = [
    {
        "name": "МФЦ «Мои документы» Тверской",
        "region": "77",
        "city": "Москва",
        "address": "ул. Тверская, д. 1 (демонстрационный адрес)",
        "opening_hours": "Пн–Вс 8:00–20:00",
    },
    {
        "name": "МФЦ Центрального района",
        "region": "78",
        "city": "Санкт-Петербург",
        "address": "Невский пр., д. 1 (демонстрационный адрес)",
        "opening_hours": "Пн–Сб 9:00–21:00",
    },
]

DEMO_PEOPLE = [
    ("admin@example.org", "superuser"),
    ("clerk@example.org", "service-centre clerk"),
]


def _password() -> str:
    # Upper, lower and digits, so that it satisfies the site's own password rules.
    return f"Demo-{secrets.token_hex(3)}A{secrets.randbelow(10)}z"


class Command(BaseCommand):
    help = "Load demonstration data and print the demo log-ins (a new password on every run)."

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            for centre in CENTRES:
                ServiceCentre.objects.get_or_create(name=centre["name"], defaults=centre)
            logins = []
            for email, role in DEMO_PEOPLE:
                password = _password()
                account = Account.objects.filter(email=email).first()
                if account is None:
                    if role == "superuser":
                        account = Account.objects.create_superuser(email, password)
                    else:
                        account = Account.objects.create_user(email, password, is_staff=True, status="active")
                else:
                    account.set_password(password)
                    account.save(update_fields=["password"])
                if role != "superuser":
                    group = Group.objects.filter(name="Service-centre clerks").first()
                    if group is not None:
                        account.groups.add(group)
                logins.append((role, email, password))
            identity_logins, notes = identity_demo.load(_password)
            logins.extend(identity_logins)
        self.stdout.write(self.style.SUCCESS("Demo data loaded. Log in at /admin/ with:"))
        for role, email, password in logins:
            self.stdout.write(f"  {role:<22} {email:<22} {password}")
        for note in notes:
            self.stdout.write(note)
