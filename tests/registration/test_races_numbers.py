"""Numbers and contacts drawn at once on PostgreSQL: a collision is drawn again, a taken contact is a clean refusal."""

from __future__ import annotations

import threading

from django.db import connection

from registration.accounts.models import Account, Applicant
from registration.accounts.models import people as people_models
from registration.onboarding import submit as services
from registration.support import flows as support_flows
from registration.support.models import SupportRequest
from registration.support.models import requests as request_models
from tests.registration.race_helpers import WAYS, postgres_race, together
from tests.registration.test_wizard_submit import application

pytestmark = postgres_race


class CollidingRandom:
    """``secrets`` whose first ``WAYS`` draws are all 0 (one number for everybody), then distinct."""

    def __init__(self) -> None:
        self.calls = 0
        self.lock = threading.Lock()

    def randbelow(self, _limit: int) -> int:
        with self.lock:
            self.calls += 1
            return 0 if self.calls <= WAYS else self.calls


def test_ten_support_requests_drawing_one_number_all_get_their_own(make_account, monkeypatch):
    """The unique number decides a collision and the request draws again: ten requests, ten numbers, no error."""
    monkeypatch.setattr(request_models, "secrets", CollidingRandom())
    account = make_account()
    outcomes = together(
        lambda i: support_flows.create_support_request(
            Account.objects.get(pk=account.pk), subject=f"Question {i}", body="I cannot log in."
        )
    )
    assert outcomes.errors == []
    numbers = set(SupportRequest.objects.values_list("number", flat=True))
    assert len(numbers) == WAYS and "S-10000000" in numbers
    assert connection.vendor == "postgresql"


def test_ten_applications_drawing_one_number_all_get_their_own(monkeypatch):
    """Application numbers: the unique number decides, the submission draws again; ten people, ten numbers."""
    monkeypatch.setattr(people_models, "secrets", CollidingRandom())
    outcomes = together(lambda i: services.submit_application(application(f"person{i}@example.org", f"+7916000000{i}")))
    assert outcomes.errors == []
    assert Applicant.objects.values("application_number").distinct().count() == WAYS


def test_ten_registrations_with_one_email_one_wins():
    """The accounts' unique e-mail decides: one account, nine DuplicateContact refusals naming the e-mail."""
    outcomes = together(lambda i: services.submit_application(application("anna@example.org", f"+7916000000{i}")))
    assert len(outcomes.results) == 1
    assert all(isinstance(error, services.DuplicateContact) for error in outcomes.errors)
    assert [error.fields for error in outcomes.errors] == [["email"]] * (WAYS - 1)
    assert Account.objects.count() == Applicant.objects.count() == 1


def test_ten_applications_with_one_passport_are_all_kept_for_the_clerks(monkeypatch):
    """The same passport in ten applications is not refused but flagged: each sees the others as duplicates."""
    outcomes = together(lambda i: services.submit_application(application(f"person{i}@example.org", f"+7916000000{i}")))
    assert outcomes.errors == []
    first = Applicant.objects.order_by("pk").first()
    assert [kind for kind, _other in services.duplicates_of(first)] == ["document"] * (WAYS - 1)
