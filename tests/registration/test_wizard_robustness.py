"""No input of any kind makes the wizard fail; every step stays within its database query budget."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from registration.codes import sms
from registration.onboarding import steps as S

JUNK_VALUES = [
    "x" * 100_000,
    "\x00",
    "abc\x00def",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "٣٤٥٦",  # Arabic-Indic digits
    "   ",
]


def junk_payloads(step: str, fields: list[str]) -> list[dict]:
    payloads: list[dict] = [{}]  # nothing at all, not even the management form
    for value in JUNK_VALUES:
        payloads.append({f"{step}-{name}": value for name in fields} | {"registration_wizard-current_step": step})
    payloads.append({f"{step}-{name}": ["a", "b", "c"] for name in fields})  # repeated keys
    payloads.append({"registration_wizard-current_step": "password", f"{step}-{fields[0]}": "1"})  # wrong step
    payloads.append({"registration_wizard-current_step": "x" * 10_000})
    return payloads


@pytest.mark.parametrize("step", [s.name for s in S.STEPS])
def test_junk_posts_never_cause_a_server_error(wizard, step):
    """100 000-character strings, NUL bytes, surrogates, lists and missing form data give a page, never a 500."""
    wizard.run_until(step)
    fields = list(S.BY_NAME[step].form.base_fields) or ["anything"]
    for payload in junk_payloads(step, fields):
        response = wizard.client.post(wizard.url(step), payload)
        assert response.status_code < 500, (step, str(payload)[:80])
    for raw in (
        b"%ff%fe=%ed%a0%80",
        f"{step}-{fields[0]}=%ff%00%ed%a0%80&registration_wizard-current_step={step}".encode(),
    ):
        response = wizard.client.post(wizard.url(step), raw, content_type="application/x-www-form-urlencoded")
        assert response.status_code < 500  # bytes that are not UTF-8
    for value in (b"", b"\x00" * 10, b"%PDF-1.4 garbage", b"\x89PNG\r\n\x1a\n" + b"\xff" * 100):
        upload = SimpleUploadedFile("x\x00../../etc/passwd.png", value, content_type="image/png")
        response = wizard.client.post(
            wizard.url(step), {f"{step}-scan": upload, "registration_wizard-current_step": step}
        )
        assert response.status_code < 500


@pytest.mark.parametrize("query", ["?return=" + "x" * 5000, "?return=check&return=nope", "?step=password", "?reset=1"])
def test_odd_query_strings_are_harmless(wizard, query):
    """Unknown or repeated query parameters change nothing."""
    wizard.run_until(S.ADDRESS)
    response = wizard.get(S.ADDRESS, query=query)
    assert response.status_code == 200
    assert wizard.client.get("/register/resume/" + query).status_code == 302


def test_a_junk_e_mail_link_is_refused_plainly(client, db):
    """A broken, forged or enormous confirmation token gives a clear page with status 400."""
    for token in ("abc", "x" * 3000, "eyJvIjoi:abc:def"):
        response = client.get(f"/register/confirm-email/{token}/")
        assert response.status_code == 400
        assert client.post(f"/register/confirm-email/{token}/").status_code == 400


# GET and POST budgets per step: the session, the draft's checks and the step's own reads. Once the
# e-mail is confirmed, each POST also keeps the draft's copy on the server: one UPDATE (the first save,
# on the e-mail step, inserts it: an UPDATE finding nothing, then an INSERT in a savepoint).
QUERY_BUDGET = {
    S.TYPE: (5, 5),
    S.CONTACTS: (6, 7),
    S.PHONE_CODE: (13, 11),
    S.EMAIL_CODE: (13, 15),
    S.PERSONAL: (5, 6),
    S.NAMES_CYRILLIC: (5, 6),
    S.IDENTITY_DOCUMENT: (5, 7),  # the POST records its new scan's zone reading: one INSERT
    S.STAY_TYPE: (5, 6),
    S.STAY_DOCUMENT: (5, 6),
    S.IDENTIFIERS: (5, 6),
    S.ADDRESS: (5, 6),
    S.PASSWORD: (7, 8),
    # Submission: the account, its documents, audit, the registry checks queued, the zone reading
    # attached, the saved draft removed, the consent recorded.
    S.CHECK: (9, 35),
}


def test_every_step_stays_within_its_query_budget(wizard, django_assert_max_num_queries):
    """Each step's GET and POST run a bounded number of queries (no per-field or per-row queries)."""
    assert set(QUERY_BUDGET) == set(S.NAMES)
    for step in S.NAMES:
        get_budget, post_budget = QUERY_BUDGET[step]
        with django_assert_max_num_queries(get_budget):
            assert wizard.get(step).status_code == 200
        data = None
        if step == S.PHONE_CODE:
            data = {"code": wizard.latest_sms_code()}
        elif step == S.EMAIL_CODE:
            data = {"code": wizard.latest_email_code()}
        with django_assert_max_num_queries(post_budget):
            assert wizard.post(step, data).status_code == 302
    sms.outbox.clear()
