"""Applications that the registry simulator's data set knows (or not), submitted the way the wizard does."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth.hashers import make_password

from registration.accounts.models import Applicant
from registration.onboarding import submit


def application(n: int = 1, **changes) -> submit.ApplicationData:
    """Anna Maria Eriksson of the simulator's data set: every registry confirms her as given."""
    documents = changes.pop(
        "documents",
        [
            submit.DocumentData(
                role="identity",
                kind="foreign_passport",
                country="UZ",
                number=changes.pop("passport", "FA1234567"),
                expiry_date=date(2034, 1, 1),
            ),
            submit.DocumentData(role="stay", kind="residence_permit", country="RU", series="82", number="1234567"),
        ],
    )
    values = {
        "email": f"anna{n}@example.org",
        "phone": "+79161234567" if n == 1 else f"+7916{n:07d}",
        "password_hash": make_password("Correct-Horse-42"),
        "surname": "Eriksson",
        "given_names": "Anna Maria",
        "surname_cyrillic": "Эрикссон",
        "given_names_cyrillic": "Анна Мария",
        "birth_date": date(1974, 8, 12),
        "birth_place": "Tashkent",
        "sex": "F",
        "citizenship": "UZ",
        "region": "77",
        "city": "Moscow",
        "street": "Tverskaya",
        "house": "1",
        "postcode": "101000",
        "snils": "11223344595",
        "inn": "500100732259",
        "language": "en",
        "documents": documents,
        **changes,
    }
    return submit.ApplicationData(**values)


@pytest.fixture
def submit_application(db, django_capture_on_commit_callbacks):
    """Submit an application and run what its commit queues (the registry checks, in the test's backend)."""

    def factory(n: int = 1, **changes) -> Applicant:
        with django_capture_on_commit_callbacks(execute=True):
            applicant = submit.submit_application(application(n, **changes))
        return Applicant.objects.get(pk=applicant.pk)

    return factory
