"""The profile overview, and the address, SNILS and INN that change at once (audited by field name)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from registration.accounts.models import Account, AccountStatus, Applicant, AuditEvent
from tests.registration.identity_fixtures import make_applicant

PASSWORD = "Correct-Horse-42"


@pytest.fixture
def person(make_applicant, client):
    applicant = make_applicant("anna@example.org")
    client.force_login(applicant.account)
    return applicant


ADDRESS = {
    "region": "78",
    "city": "Saint Petersburg",
    "street": "Nevsky",
    "house": "10",
    "flat": "",
    "postcode": "191025",
}


def test_address_changes_at_once_and_is_audited_by_field(client, person):
    """A new address is saved without review, the status stays, the audit names the fields only."""
    response = client.post(reverse("registration:profile_address"), ADDRESS)
    assert response.status_code == 302 and response["Location"] == reverse("registration:profile")
    applicant = Applicant.objects.get(pk=person.pk)
    assert (applicant.region, applicant.city, applicant.postcode) == ("78", "Saint Petersburg", "191025")
    event = AuditEvent.objects.get(action="profile.address_changed")
    assert event.actor == person.account and event.data == {"fields": ["region", "city", "street", "house", "postcode"]}
    assert Account.objects.get(pk=person.account.pk).status == AccountStatus.PENDING


def test_identifiers_change_at_once_without_their_values_in_the_audit(client, person):
    """SNILS and INN are checked, saved, and audited without their values; emptying one is allowed."""
    response = client.post(
        reverse("registration:profile_identifiers"), {"snils": "", "inn": "500100732259", "password": PASSWORD}
    )
    assert response.status_code == 302
    applicant = Applicant.objects.get(pk=person.pk)
    assert (applicant.snils, applicant.inn) == ("", "500100732259")
    event = AuditEvent.objects.get(action="profile.identifiers_changed")
    assert event.data == {"fields": ["snils", "inn"]} and "500100732259" not in str(event.data)


def test_unchanged_details_write_nothing(client, person):
    """Saving the same values adds no audit event."""
    client.post(
        reverse("registration:profile_identifiers"), {"snils": "112-233-445 95", "inn": "", "password": PASSWORD}
    )
    assert not AuditEvent.objects.filter(action="profile.identifiers_changed").exists()


@pytest.mark.parametrize(
    ("name", "data", "field", "code"),
    [
        (
            "profile_identifiers",
            {"snils": "112-233-445 96", "inn": "", "password": PASSWORD},
            "snils",
            "snils_checksum",
        ),
        ("profile_identifiers", {"snils": "", "inn": "7707083893", "password": PASSWORD}, "inn", None),
        ("profile_address", {**ADDRESS, "postcode": "12"}, "postcode", None),
    ],
)
def test_invalid_details_are_refused_with_an_error_summary(client, person, name, data, field, code):
    """Invalid values come back with the error summary linking to the field, and nothing is saved."""
    response = client.post(reverse(f"registration:{name}"), data)
    assert response.status_code == 200
    errors = response.context["form"].errors.as_data()
    if code:
        assert errors[field][0].code == code
    assert field in errors
    page = response.content.decode()
    assert 'class="error-summary" role="alert"' in page and f'href="#id_{field}"' in page
    assert not AuditEvent.objects.filter(action__startswith="profile.").exists()


def test_overview_shows_the_details_and_the_change_links(client, person):
    """The overview lists contacts, personal data, documents and identifiers, each with its change link."""
    page = client.get(reverse("registration:profile")).content.decode()
    assert "anna@example.org" in page and "ERIKSSON ANNA MARIA" in page and "AB1234567" in page
    for name, args in (
        ("profile_contact", ["email"]),
        ("profile_contact", ["phone"]),
        ("profile_personal", []),
        ("profile_document", []),
        ("profile_address", []),
        ("profile_identifiers", []),
    ):
        assert reverse(f"registration:{name}", args=args) in page
    assert reverse("registration:profile") in client.get(reverse("registration:cabinet")).content.decode()


@pytest.mark.parametrize(
    "name", ["profile_personal", "profile_document", "profile_address", "profile_identifiers", "profile_contact"]
)
def test_change_pages_have_labelled_fields(client, person, name):
    """Each change page renders its form with a label bound to every input, and a CSRF token."""
    args = ["email"] if name == "profile_contact" else []
    response = client.get(reverse(f"registration:{name}", args=args))
    assert response.status_code == 200
    page = response.content.decode()
    assert "csrfmiddlewaretoken" in page
    for field in response.context["form"]:
        if field.widget_type != "radioselect":
            assert f'for="{field.id_for_label}"' in page, field.name


def test_staff_without_an_application_sees_contacts_only(client, clerk):
    """A staff account has no personal data to change: the identity pages answer 404."""
    client.force_login(clerk)
    assert client.get(reverse("registration:profile")).status_code == 200
    assert client.get(reverse("registration:profile_personal")).status_code == 404
    assert client.get(reverse("registration:profile_address")).status_code == 404
