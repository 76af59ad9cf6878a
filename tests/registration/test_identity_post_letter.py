"""Letter by post: asking for letters within the limits, printing (codes made then), sending, typing the code."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from registration.accounts.models import AuditEvent
from registration.identity import flows, post_letter
from registration.identity.base import CodeEntry, IdentityError
from registration.identity.models import ConfirmationState, IdentityCode, LetterState, PostLetter
from tests.registration.identity_fixtures import make_applicant, role_user

METHOD = post_letter.METHOD
URL = reverse("registration:identity_method", args=["post_letter"])


def _request_letter(applicant, postcode: str = "101000", address: str = "Moscow, Myasnitskaya 26"):
    return METHOD.start(applicant.account, postcode=postcode, address=address)


def _printed_code(applicant, operator) -> str:
    letters = PostLetter.objects.filter(account=applicant.account, state=LetterState.PENDING)
    printed = post_letter.print_letters(list(letters), by=operator)
    return printed[-1].code


def test_person_asks_for_a_letter_in_the_cabinet(client, make_applicant):
    """The form queues a letter to the post office; no code exists before printing."""
    applicant = make_applicant()
    client.force_login(applicant.account)
    response = client.post(URL, {"action": "start", "start-postcode": "101 000", "start-address": "Moscow, Post 1"})
    assert response.status_code == 302
    letter = PostLetter.objects.get(account=applicant.account)
    assert (letter.state, letter.postcode, letter.code) == (LetterState.PENDING, "101000", None)
    assert not IdentityCode.objects.exists()
    assert AuditEvent.objects.filter(account=applicant.account, action="post_letter.requested").exists()


def test_invalid_postcode_is_an_error_beside_the_field(client, make_applicant):
    """A postal code that is not 6 digits is refused with the validators' code."""
    applicant = make_applicant()
    client.force_login(applicant.account)
    response = client.post(URL, {"action": "start", "start-postcode": "1010", "start-address": "Moscow"})
    assert response.status_code == 200
    assert response.context["errors"].has_error("postcode")
    assert not PostLetter.objects.exists()


def test_happy_path_print_send_and_type_the_code(client, make_applicant, role_user):
    """Printing makes a 10-character code; sending e-mails the person; typing the code activates."""
    applicant = make_applicant()
    operator = role_user("post")
    _request_letter(applicant)
    code = _printed_code(applicant, operator)
    assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{10}", code)
    letter = PostLetter.objects.get(account=applicant.account)
    assert letter.state == LetterState.PRINTED and letter.printed_by == operator
    assert code not in letter.code.code_hash
    assert (letter.code.expires_at - timezone.now()).days in (29, 30)
    assert post_letter.mark_sent([letter], by=operator) == 1
    assert mail.outbox[-1].to == [applicant.account.email]
    client.force_login(applicant.account)
    typed = f"{code[:5].lower()}-{code[5:]}"  # typed in lower case with a dash: still the code
    response = client.post(URL, {"action": "complete", "complete-code": typed})
    assert response.status_code == 302
    applicant.account.refresh_from_db()
    assert applicant.account.status == "active"
    assert IdentityCode.objects.get(pk=letter.code.pk).used_at is not None


def test_wrong_code_then_rate_limit_after_five_wrong_entries(client, make_applicant, role_user):
    """Five wrong entries in 10 minutes are allowed (each refused); the sixth attempt gets 429."""
    applicant = make_applicant()
    _request_letter(applicant)
    code = _printed_code(applicant, role_user("post"))
    wrong = "ZZZZZZZZZZ" if code != "ZZZZZZZZZZ" else "YYYYYYYYYY"
    client.force_login(applicant.account)
    for _ in range(5):
        response = client.post(URL, {"action": "complete", "complete-code": wrong})
        assert response.status_code == 200
        assert response.context["errors"].non_field_errors().as_data()[0].code == "wrong_code"
    assert client.post(URL, {"action": "complete", "complete-code": code}).status_code == 429


def test_expired_code_is_refused(make_applicant, role_user):
    """A code older than 30 days gives code_expired."""
    applicant = make_applicant()
    confirmation = _request_letter(applicant)
    code = _printed_code(applicant, role_user("post"))
    IdentityCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(IdentityError) as caught:
        METHOD.complete(confirmation, CodeEntry(code), by=applicant.account)
    assert caught.value.code == "code_expired"


def test_code_before_printing_is_no_code(make_applicant):
    """Before the letter is printed there is no code to type."""
    applicant = make_applicant()
    confirmation = _request_letter(applicant)
    with pytest.raises(IdentityError) as caught:
        METHOD.complete(confirmation, CodeEntry("ABCDEFGHJK"), by=applicant.account)
    assert caught.value.code == "no_code"


def test_second_letter_within_24_hours_is_refused(make_applicant):
    """Letters are at least 24 hours apart."""
    applicant = make_applicant()
    _request_letter(applicant)
    with pytest.raises(IdentityError) as caught:
        _request_letter(applicant)
    assert caught.value.code == "letter_too_soon"


def test_at_most_three_letters_in_thirty_days(make_applicant):
    """A fourth letter within 30 days is refused; after the oldest leaves the window it is allowed."""
    applicant = make_applicant()
    for days_ago in (20, 10, 2):
        _request_letter(applicant)
        latest = PostLetter.objects.filter(account=applicant.account).latest("pk")
        PostLetter.objects.filter(pk=latest.pk).update(requested_at=timezone.now() - timedelta(days=days_ago))
    with pytest.raises(IdentityError) as caught:
        _request_letter(applicant)
    assert caught.value.code == "letter_limit"
    PostLetter.objects.filter(account=applicant.account).filter(
        requested_at__lt=timezone.now() - timedelta(days=15)
    ).update(requested_at=timezone.now() - timedelta(days=31))
    _request_letter(applicant)
    assert PostLetter.objects.filter(account=applicant.account).count() == 4


def test_every_sent_letter_code_stays_valid(make_applicant, role_user):
    """With two letters printed, the first letter's code still works (either may arrive first)."""
    applicant = make_applicant()
    operator = role_user("post")
    confirmation = _request_letter(applicant)
    first = _printed_code(applicant, operator)
    PostLetter.objects.update(requested_at=timezone.now() - timedelta(days=2))
    _request_letter(applicant)
    _printed_code(applicant, operator)
    assert METHOD.complete(confirmation, CodeEntry(first), by=applicant.account).activated


def test_reprinting_replaces_the_letters_code(make_applicant, role_user):
    """Printing a printed letter again revokes its first code."""
    applicant = make_applicant()
    operator = role_user("post")
    confirmation = _request_letter(applicant)
    first = _printed_code(applicant, operator)
    second = post_letter.print_letters(list(PostLetter.objects.all()), by=operator)[0].code
    assert AuditEvent.objects.filter(action="post_letter.printed", data__reprint=True).count() == 1
    if first != second:
        with pytest.raises(IdentityError):
            METHOD.complete(confirmation, CodeEntry(first), by=applicant.account)
    assert METHOD.complete(confirmation, CodeEntry(second), by=applicant.account).activated


def test_switching_method_cancels_letters_and_codes(make_applicant, role_user):
    """Choosing another method cancels waiting letters; a printed letter's code stops working."""
    applicant = make_applicant()
    confirmation = _request_letter(applicant)
    code = _printed_code(applicant, role_user("post"))
    flows.open_confirmation(applicant.account, "scan_review")
    assert PostLetter.objects.get().state == LetterState.CANCELLED
    confirmation.refresh_from_db()
    assert confirmation.state == ConfirmationState.CANCELLED
    assert IdentityCode.objects.get().revoked_at is not None
    with pytest.raises(IdentityError) as caught:
        METHOD.complete(confirmation, CodeEntry(code), by=applicant.account)
    assert caught.value.code == "wrong_state"


def test_letters_of_people_no_longer_waiting_are_not_printed(make_applicant, role_user):
    """A letter of an account confirmed in the meantime is cancelled at print time, not printed."""
    from registration.accounts import status

    applicant = make_applicant()
    _request_letter(applicant)
    status.activate(applicant.account, by=None)
    assert post_letter.print_letters(list(PostLetter.objects.all()), by=role_user("post")) == []
    assert PostLetter.objects.get().state == LetterState.CANCELLED


def test_code_is_bound_to_its_account(make_applicant, role_user):
    """Another person's letter code does not confirm this account."""
    operator = role_user("post")
    alice, bob = make_applicant(), make_applicant()
    _request_letter(alice)
    bob_confirmation = _request_letter(bob)
    codes = {
        p.letter.account_id: p.code for p in post_letter.print_letters(list(PostLetter.objects.all()), by=operator)
    }
    with pytest.raises(IdentityError) as caught:
        METHOD.complete(bob_confirmation, CodeEntry(codes[alice.account.pk]), by=bob.account)
    assert caught.value.code == "wrong_code"
