"""The residence-permit application: questionnaires, four scans, the state fee, and the desk's decision."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.urls import reverse

from registration.documents.models import DocumentKind
from registration.payments import flows as payments
from registration.payments.models import Payment, PaymentStatus
from registration.services import fees, flows
from registration.services.models import ServiceApplication, Status
from tests.registration.identity_fixtures import make_applicant, role_user
from tests.registration.services_fixtures import FAKE_BACKEND, FakePaymentBackend, officer, person, scan_files

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fake_provider")]

ANSWERS = {
    "work": {"occupation": "working", "employer": "ООО «Ромашка»", "position": "Инженер", "since": "01.02.2022"},
    "education": {"level": "higher", "institution": "Tashkent State University", "year": "2015"},
    "family": {
        "members": "1",
        "family-shown": "1",
        "family-0-relation": "spouse",
        "family-0-surname": "KARIMOVA",
        "family-0-given_names": "NODIRA",
        "family-0-birth_date": "03.04.1995",
        "family-0-citizenship": "UZ",
    },
}


@pytest.fixture
def fake_provider():
    with override_settings(REGISTRATION_PAYMENT_BACKEND=FAKE_BACKEND):
        FakePaymentBackend.created.clear()
        yield


def fill(client) -> ServiceApplication:
    client.post(reverse("services:start", args=["residence_permit"]))
    application = ServiceApplication.objects.get(service="residence_permit")
    for step, data in ANSWERS.items():
        response = client.post(reverse("services:step", args=[application.number, step]), data)
        assert step not in response["Location"], client.get(response["Location"]).context["form"].errors
    response = client.post(
        reverse("services:step", args=[application.number, "scans"]),
        scan_files(("passport", "migration_card", "income", "medical")),
    )
    assert response["Location"] == reverse("services:check", args=[application.number])
    return application


def paid(payment: Payment, capture) -> None:
    with capture(execute=True):
        payments.set_status(payment, PaymentStatus.PAID)


def test_submitting_sends_the_person_to_pay_and_only_payment_submits(
    client, person, django_capture_on_commit_callbacks
):
    """Submit → waiting for the fee and the provider's page; the return URL submits nothing; a paid fee does."""
    client.force_login(person())
    application = fill(client)
    check = client.get(reverse("services:check", args=[application.number])).content.decode()
    assert "15\u00a0000,00" in check and "333.28" in check
    response = client.post(reverse("services:check", args=[application.number]), {"consent": "on"})
    payment = Payment.objects.get()
    assert response["Location"] == payment.redirect_url
    assert payment.amount_kopecks == 1_500_000 and payment.reference == application.number
    assert payment.purpose == flows.PAYMENT_PURPOSE
    application.refresh_from_db()
    assert application.status == Status.AWAITING_PAYMENT

    client.get(reverse("services:payment_return", args=[application.number]))
    application.refresh_from_db()
    assert application.status == Status.AWAITING_PAYMENT  # the return URL proves nothing

    paid(payment, django_capture_on_commit_callbacks)
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED and application.submitted_at is not None
    fees.payment_status_changed(Payment.objects.get(pk=payment.pk))  # told again: nothing more happens
    assert application.history.filter(to_status=Status.SUBMITTED).count() == 1


def test_a_failed_payment_is_retried_as_a_new_payment(client, person, django_capture_on_commit_callbacks):
    """ "Payment did not go through", and paying again creates a new payment; a failed one submits nothing."""
    client.force_login(person())
    application = fill(client)
    client.post(reverse("services:check", args=[application.number]), {"consent": "on"})
    first = Payment.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        payments.set_status(first, PaymentStatus.FAILED)
    application.refresh_from_db()
    assert application.status == Status.AWAITING_PAYMENT
    page = client.get(reverse("services:detail", args=[application.number])).content.decode()
    assert 'id="payment-failed"' in page
    response = client.post(reverse("services:pay", args=[application.number]))
    second = Payment.objects.exclude(pk=first.pk).get()
    assert response["Location"] == second.redirect_url and second.idempotency_key != first.idempotency_key
    paid(second, django_capture_on_commit_callbacks)
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED


def test_a_pending_payment_is_not_created_twice(client, person):
    """Pressing "Pay" again while the payment page is open sends the person to the same payment."""
    client.force_login(person())
    application = fill(client)
    client.post(reverse("services:check", args=[application.number]), {"consent": "on"})
    client.post(reverse("services:pay", args=[application.number]))
    assert Payment.objects.count() == 1


def test_a_paid_fee_of_someone_else_submits_nothing(client, person, django_capture_on_commit_callbacks):
    """A payment whose payer is not the applicant (a forged reference) is ignored."""
    client.force_login(person())
    application = fill(client)
    client.post(reverse("services:check", args=[application.number]), {"consent": "on"})
    stranger = person("stranger@example.org")
    forged = Payment.objects.create(
        account=stranger, purpose=flows.PAYMENT_PURPOSE, reference=application.number, amount_kopecks=1, description="x"
    )
    paid(forged, django_capture_on_commit_callbacks)
    application.refresh_from_db()
    assert application.status == Status.AWAITING_PAYMENT


def test_the_desk_decides_with_a_reason_and_corrections_need_no_new_fee(
    client, person, officer, django_capture_on_commit_callbacks
):
    """Changes requested → corrected → straight back to the desk (the fee was paid); approval issues the decision."""
    account = person()
    client.force_login(account)
    application = fill(client)
    client.post(reverse("services:check", args=[application.number]), {"consent": "on"})
    paid(Payment.objects.get(), django_capture_on_commit_callbacks)
    application.refresh_from_db()

    def act(action, **data):
        client.post(
            reverse("admin:services_serviceapplication_act", args=[application.pk, action]),
            {"version": application.version, **data},
        )
        application.refresh_from_db()

    client.force_login(officer)
    act("take")
    act("request_changes", **{"changes-message": "Справка о доходах за последний год."})
    assert application.status == Status.CHANGES_REQUESTED
    client.force_login(account)
    client.post(reverse("services:step", args=[application.number, "scans"]), scan_files(("income",), "pdf"))
    client.post(reverse("services:check", args=[application.number]), {"consent": "on"})
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED and Payment.objects.count() == 1
    client.force_login(officer)
    page = client.get(reverse("admin:services_serviceapplication_change", args=[application.pk])).content.decode()
    assert "KARIMOVA" in page and "Tashkent State University" in page
    act("take")
    act("approve")
    assert application.status == Status.APPROVED
    assert application.document.kind == DocumentKind.RESIDENCE_PERMIT


def test_family_members_are_checked_each_on_its_field(client, person):
    """A family member's bad date of birth is an error on that member's field; the others keep their input."""
    client.force_login(person())
    client.post(reverse("services:start", args=["residence_permit"]))
    application = ServiceApplication.objects.get()
    url = reverse("services:step", args=[application.number, "family"])
    second = {"relation": "child", "surname": "KARIMOV", "given_names": "ALI", "birth_date": "31.02.2020"}
    data = {**ANSWERS["family"], "members": "2", "family-shown": "2", "family-1-citizenship": "UZ"}
    data.update({f"family-1-{key}": value for key, value in second.items()})
    client.post(url, data)
    page = client.get(url)
    formset = page.context["formset"]
    assert not formset.forms[0].errors
    assert formset.forms[1].errors.as_data()["birth_date"][0].code == "date_not_exist"
    assert 'value="KARIMOVA"' in page.content.decode()


def test_work_needs_its_details_only_when_working(client, person):
    """Working: employer, position and start are asked for; not working: nothing more."""
    client.force_login(person())
    client.post(reverse("services:start", args=["residence_permit"]))
    application = ServiceApplication.objects.get()
    url = reverse("services:step", args=[application.number, "work"])
    client.post(url, {"occupation": "working"})
    assert set(client.get(url).context["form"].errors) == {"employer", "position", "since"}
    client.post(url, {"occupation": "not_working"})
    assert not client.get(url).context["form"].errors


def test_a_new_family_member_form_is_offered_before_it_is_judged(client, person):
    """Raising the number shows empty forms without errors; sent again empty, they are refused on their fields."""
    client.force_login(person())
    client.post(reverse("services:start", args=["residence_permit"]))
    application = ServiceApplication.objects.get()
    url = reverse("services:step", args=[application.number, "family"])
    response = client.post(url, {"members": "2", "family-shown": "0"})
    assert response["Location"] == url
    page = client.get(url)
    assert len(page.context["formset"].forms) == 2
    assert not page.context["formset"].total_error_count() and not page.context["form"].errors
    assert 'name="family-1-surname"' in page.content.decode()
    client.post(url, {"members": "2", "family-shown": "2"})
    formset = client.get(url).context["formset"]
    assert formset.forms[0].errors.as_data()["surname"][0].code == "required"
    client.post(url, {"members": "0", "family-shown": "2"})
    assert "family" in ServiceApplication.objects.get().steps_done


class BrokenProvider:
    def create(self, payment):
        raise ConnectionError("down")

    def status(self, payment):  # pragma: no cover - never asked
        raise ConnectionError("down")


def test_a_provider_that_does_not_answer_leaves_the_application_waiting_for_the_fee(client, person, settings):
    """The person is told to try again later; the application waits for its fee, and paying again is offered."""
    settings.REGISTRATION_PAYMENT_BACKEND = "tests.registration.test_services_residence.BrokenProvider"
    client.force_login(person())
    application = fill(client)
    response = client.post(reverse("services:check", args=[application.number]), {"consent": "on"})
    assert response["Location"] == reverse("services:detail", args=[application.number])
    application.refresh_from_db()
    assert application.status == Status.AWAITING_PAYMENT
    page = client.get(response["Location"]).content.decode()
    assert 'id="pay-fee"' in page


def test_a_paid_fee_links_its_receipt_from_the_application_and_the_cabinet(
    client, person, django_capture_on_commit_callbacks
):
    """Once paid, the application's page shows the fee and links its receipt; the cabinet links the payments."""
    client.force_login(person())
    assert 'id="payments-link"' not in client.get(reverse("registration:cabinet")).content.decode()
    application = fill(client)
    client.post(reverse("services:check", args=[application.number]), {"consent": "on"})
    payment = Payment.objects.get()
    page = client.get(reverse("services:detail", args=[application.number])).content.decode()
    assert 'id="fee-receipt"' not in page  # not paid yet
    paid(payment, django_capture_on_commit_callbacks)
    page = client.get(reverse("services:detail", args=[application.number])).content.decode()
    receipt = reverse("registration:payment_receipt", args=[payment.public_id])
    assert 'id="fee-receipt"' in page and f'href="{receipt}"' in page
    assert client.get(receipt).status_code == 200
    cabinet = client.get(reverse("registration:cabinet")).content.decode()
    assert f'href="{reverse("registration:payment_list")}"' in cabinet and 'id="payments-link"' in cabinet
