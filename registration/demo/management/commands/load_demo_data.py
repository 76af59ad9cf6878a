"""Demo data for `make run`: service centres, a superuser and a clerk, staff per role and one pending
application per identity method, with their log-in details."""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction

from registration.accounts.models import Account
from registration.demo import identity as identity_demo
from registration.demo import services as services_demo
from registration.identity.models import ServiceCentre, ServiceCentreTranslation
from registration.identity.models.centres import translation_languages

CENTRES: list[dict[str, Any]] = [
    {
        "name": "МФЦ «Мои документы» Тверской",
        "region": "77",
        "city": "Москва",
        "address": "ул. Тверская, д. 1 (демонстрационный адрес)",
        "opening_hours": "Пн–Вс 8:00–20:00",
        "phone": "+7 495 777-77-77",
        "translations": {
            "en": {
                "name": "“My Documents” service centre, Tverskoy district",
                "city": "Moscow",
                "address": "1 Tverskaya Street (a demonstration address)",
                "opening_hours": "Mon–Sun 8:00–20:00",
            },
        },
    },
    {
        "name": "МФЦ Центрального района",
        "region": "78",
        "city": "Санкт-Петербург",
        "address": "Невский пр., д. 1 (демонстрационный адрес)",
        "opening_hours": "Пн–Сб 9:00–21:00",
        "translations": {
            "en": {
                "name": "Service centre of the Central district",
                "city": "Saint Petersburg",
                "address": "1 Nevsky Prospekt (a demonstration address)",
                "opening_hours": "Mon–Sat 9:00–21:00",
            },
        },
    },
]

DEMO_PEOPLE = [
    ("admin@example.org", "superuser"),
    ("clerk@example.org", "service-centre clerk"),
]


def _password() -> str:
    # Upper, lower and digits, so that it satisfies the site's own password rules.
    return f"Demo-{secrets.token_hex(3)}A{secrets.randbelow(10)}z"


#: Where the demo centres are (postcode and coordinates, for the search by postcode and "near me").
CENTRE_LOCATIONS: dict[str, dict[str, Any]] = {
    "МФЦ «Мои документы» Тверской": {"postcode": "125009", "latitude": 55.7575, "longitude": 37.6130},
    "МФЦ Центрального района": {"postcode": "191011", "latitude": 59.9343, "longitude": 30.3351},
}
#: More demo centres, so that a search has something to choose between.
MORE_CENTRES: list[dict[str, Any]] = [
    {
        "name": "МФЦ «Мои документы» Пресненский",
        "region": "77",
        "city": "Москва",
        "address": "ул. Красная Пресня, д. 1 (демонстрационный адрес)",
        "opening_hours": "Пн–Вс 8:00–20:00",
        "postcode": "123022",
        "latitude": 55.7614,
        "longitude": 37.5718,
        "translations": {
            "en": {
                "name": "“My Documents” service centre, Presnensky district",
                "city": "Moscow",
                "address": "1 Krasnaya Presnya Street (a demonstration address)",
                "opening_hours": "Mon–Sun 8:00–20:00",
            },
        },
    },
    {
        "name": "МФЦ Вахитовского района",
        "region": "16",
        "city": "Казань",
        "address": "ул. Баумана, д. 1 (демонстрационный адрес)",
        "opening_hours": "Пн–Сб 8:00–20:00",
        "postcode": "420111",
        "latitude": 55.7887,
        "longitude": 49.1221,
        "translations": {
            "en": {
                "name": "Service centre of the Vakhitovsky district",
                "city": "Kazan",
                "address": "1 Baumana Street (a demonstration address)",
                "opening_hours": "Mon–Sat 8:00–20:00",
            },
        },
    },
    {
        "name": "МФЦ Фрунзенского района",
        "region": "25",
        "city": "Владивосток",
        "address": "Океанский пр., д. 1 (демонстрационный адрес)",
        "opening_hours": "Пн–Пт 9:00–19:00",
        "postcode": "690091",
        "latitude": 43.1155,
        "longitude": 131.8855,
        "translations": {
            "en": {
                "name": "Service centre of the Frunzensky district",
                "city": "Vladivostok",
                "address": "1 Okeansky Prospekt (a demonstration address)",
                "opening_hours": "Mon–Fri 9:00–19:00",
            },
        },
    },
    {
        "name": "МФЦ Железнодорожного района",
        "region": "54",
        "city": "Новосибирск",
        "address": "ул. Ленина, д. 1 (демонстрационный адрес)",
        "opening_hours": "Пн–Сб 9:00–20:00",
        "postcode": "630004",
        "latitude": 55.0302,
        "longitude": 82.9204,
        "translations": {
            "en": {
                "name": "Service centre of the Zheleznodorozhny district",
                "city": "Novosibirsk",
                "address": "1 Lenina Street (a demonstration address)",
                "opening_hours": "Mon–Sat 9:00–20:00",
            },
        },
    },
]


class Command(BaseCommand):
    help = "Load demonstration data and print the demo log-ins (a new password on every run)."

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            for data in [*CENTRES, *MORE_CENTRES]:
                fields = {key: value for key, value in data.items() if key != "translations"}
                centre, _created = ServiceCentre.objects.get_or_create(name=fields["name"], defaults=fields)
                languages = dict(translation_languages())
                for language, texts in data["translations"].items():
                    if language in languages:  # only the site's languages
                        ServiceCentreTranslation.objects.update_or_create(
                            centre=centre, language=language, defaults=texts
                        )
            for name, location in CENTRE_LOCATIONS.items():
                ServiceCentre.objects.filter(name=name, latitude__isnull=True).update(**location)
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
            service_logins, service_notes = services_demo.load(_password)
            logins.extend(service_logins)
            notes.extend(service_notes)
        self.stdout.write(self.style.SUCCESS("Demo data loaded. Log in at /admin/ with:"))
        for role, email, password in logins:
            self.stdout.write(f"  {role:<22} {email:<22} {password}")
        for note in notes:
            self.stdout.write(note)
        applicant_email, applicant_password = load_demo_applicant()
        self.stdout.write("A registered person waiting for identity confirmation (log in at /account/login/):")
        self.stdout.write(f"  {'pending applicant':<22} {applicant_email:<22} {applicant_password}")


DEMO_APPLICANT_EMAIL = "applicant@example.org"


def load_demo_applicant() -> tuple[str, str]:
    """A person who has registered through the wizard and waits for identity confirmation (no scans)."""
    from datetime import date

    from django.contrib.auth.hashers import make_password

    from registration.onboarding import submit as services
    from validators.dates import add_months

    password = _password()
    account = Account.objects.filter(email=DEMO_APPLICANT_EMAIL).first()
    if account is not None:
        account.set_password(password)
        account.save(update_fields=["password"])
        return DEMO_APPLICANT_EMAIL, password
    today = date.today()
    services.submit_application(
        services.ApplicationData(
            email=DEMO_APPLICANT_EMAIL,
            phone="+998901234567",
            password_hash=make_password(password),
            surname="Karimov",
            given_names="Jamshid",
            surname_cyrillic="Каримов",
            given_names_cyrillic="Джамшид",
            birth_date=date(1990, 3, 25),
            birth_place="Tashkent",
            sex="M",
            citizenship="UZ",
            region="77",
            city="Москва",
            street="ул. Тверская",
            house="1",
            flat="10",
            postcode="125009",
            language="ru",
            documents=[
                services.DocumentData(
                    role="identity",
                    kind="foreign_passport",
                    country="UZ",
                    number="FA1234567",
                    issue_date=date(2021, 5, 10),
                    expiry_date=add_months(today, 60),
                    issuing_authority="IIV 26202",
                ),
                services.DocumentData(
                    role="stay",
                    kind="migration_card",
                    country="RU",
                    series="4617",
                    number="1234567",
                    issue_date=date(today.year, 1, 15),
                    expiry_date=add_months(today, 12),
                ),
            ],
        )
    )
    return DEMO_APPLICANT_EMAIL, password
