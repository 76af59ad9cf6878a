"""Personal data at rest: document numbers, SNILS, INN and proposed changes encrypted, found by keyed hashes."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.db import connection

from registration.accounts.models import Applicant, Document
from registration.core import crypto
from registration.core.checks import encryption_keys_are_usable
from registration.onboarding import submit as services
from registration.profile.models import ProfileChangeRequest

SNILS, INN, PASSPORT = "11223344595", "500100732259", "FA1234567"


def raw(model, pk: int, column: str) -> str:
    """The value as the database holds it, past the field's decryption."""
    with connection.cursor() as cursor:
        table = connection.ops.quote_name(model._meta.db_table)
        cursor.execute(f"SELECT {connection.ops.quote_name(column)} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()[0]


def make_applicant(account, *, snils: str = SNILS, inn: str = INN, passport: str = PASSPORT) -> Applicant:
    applicant = Applicant.objects.create(
        account=account,
        surname="ERIKSSON",
        given_names="ANNA",
        surname_cyrillic="ЭРИКССОН",
        given_names_cyrillic="АННА",
        birth_date="1974-08-12",
        birth_place="Stockholm",
        sex="F",
        citizenship="UZ",
        snils=snils,
        inn=inn,
        region="77",
        city="Москва",
        street="Тверская",
        house="1",
        postcode="125009",
    )
    Document.objects.create(
        applicant=applicant,
        role="identity",
        kind="foreign_passport",
        number=passport,
        mrz=f"P<UZBERIKSSON<<ANNA\n{passport}<0UZB7408122F",
    )
    return applicant


@pytest.fixture
def applicant(make_account):
    return make_applicant(make_account())


def test_numbers_are_encrypted_in_the_database_and_clear_in_python(applicant):
    """The columns hold Fernet tokens, never the number; the model reads the number back."""
    document = applicant.documents.get()
    for model, pk, column, clear in [
        (Applicant, applicant.pk, "snils", SNILS),
        (Applicant, applicant.pk, "inn", INN),
        (Document, document.pk, "number", PASSPORT),
        (Document, document.pk, "mrz", PASSPORT),
    ]:
        stored = raw(model, pk, column)
        assert crypto.is_encrypted(stored) and clear not in stored, column
    fresh = Applicant.objects.get(pk=applicant.pk)
    assert (fresh.snils, fresh.inn, fresh.documents.get().number) == (SNILS, INN, PASSPORT)


def test_same_value_encrypts_differently_each_time(make_account):
    """Encryption is randomised: equal numbers cannot be spotted by comparing the columns."""
    one, two = make_applicant(make_account()), make_applicant(make_account())
    assert raw(Applicant, one.pk, "snils") != raw(Applicant, two.pk, "snils")


def test_last_digits_kept_apart_for_clerks(applicant):
    """The last four characters stay searchable in clear; the rest of the number does not."""
    assert (applicant.snils_last_digits, applicant.inn_last_digits) == ("4595", "2259")
    assert applicant.documents.get().number_last_digits == "4567"


def test_empty_values_stay_empty_and_can_be_queried(make_account):
    """A person without SNILS has an empty column, which queries can still find."""
    applicant = make_applicant(make_account(), snils="", inn="")
    assert raw(Applicant, applicant.pk, "snils") == ""
    assert applicant.snils_hash == "" and applicant.snils_last_digits == ""
    assert Applicant.objects.filter(snils="").count() == 1


def test_comparing_an_encrypted_column_with_a_value_is_refused(applicant):
    """Such a query could never match, so it raises instead of silently finding nothing."""
    with pytest.raises(TypeError, match="encrypted"):
        list(Applicant.objects.filter(snils=SNILS))
    with pytest.raises(FieldError):
        list(Document.objects.filter(number__icontains="1234"))


def test_duplicates_found_through_keyed_hashes(make_account):
    """The same passport (typed differently), SNILS or INN in another application is found."""
    first = make_applicant(make_account())
    same_passport = make_applicant(make_account(), snils="", inn="", passport="fa 123-4567")
    same_snils = make_applicant(make_account(), inn="", passport="FB7654321")
    unrelated = make_applicant(make_account(), snils="", inn="", passport="FC1111111")
    found = services.duplicates_of(first)
    assert ("document", same_passport) in found
    assert ("snils", same_snils) in found
    assert all(other != unrelated for _, other in found)
    assert services.duplicates_of(unrelated) == []


def test_proposed_changes_are_encrypted(applicant):
    """A proposed document number waiting for a clerk is encrypted like the confirmed one."""
    change = ProfileChangeRequest(account=applicant.account, kind="document", scan="changes/x.png")
    change.proposed = {"number": "FA7654321"}
    change.save()
    stored = raw(ProfileChangeRequest, change.pk, "proposed_json")
    assert crypto.is_encrypted(stored) and "FA7654321" not in stored
    assert ProfileChangeRequest.objects.get(pk=change.pk).proposed == {"number": "FA7654321"}


def test_key_rotation_with_explicit_keys(make_account, settings):
    """A new key put first decrypts old rows; the command re-encrypts them so that the old key can go."""
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.REGISTRATION_ENCRYPTION_KEYS = [old]
    applicant = make_applicant(make_account())
    settings.REGISTRATION_ENCRYPTION_KEYS = [new, old]
    assert Applicant.objects.get(pk=applicant.pk).snils == SNILS
    call_command("rotate_personal_data", stdout=open("/dev/null", "w"))  # noqa: SIM115
    token = raw(Applicant, applicant.pk, "snils")
    assert Fernet(new).decrypt(token.encode()).decode() == SNILS
    settings.REGISTRATION_ENCRYPTION_KEYS = [new]
    reread = Applicant.objects.get(pk=applicant.pk)
    assert (reread.snils, reread.documents.get().number) == (SNILS, PASSPORT)


def test_rotating_the_secret_key_rotates_derived_keys(make_account, settings):
    """Without explicit keys: the old SECRET_KEY as a fallback still decrypts and still finds duplicates."""
    settings.REGISTRATION_ENCRYPTION_KEYS = []
    settings.SECRET_KEY = "old-" + "k" * 60
    settings.SECRET_KEY_FALLBACKS = []
    first = make_applicant(make_account())
    old_hash = first.snils_hash
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "new-" + "k" * 60, ["old-" + "k" * 60]
    second = make_applicant(make_account(), passport="FB7654321", inn="")
    assert Applicant.objects.get(pk=first.pk).snils == SNILS
    assert ("snils", first) in services.duplicates_of(second)
    call_command("rotate_personal_data", stdout=open("/dev/null", "w"))  # noqa: SIM115
    first.refresh_from_db()
    assert first.snils_hash != old_hash and first.snils_hash == second.snils_hash
    settings.SECRET_KEY_FALLBACKS = []
    assert Applicant.objects.get(pk=first.pk).documents.get().number == PASSPORT


def test_unreadable_data_says_which_key_is_missing(applicant, settings):
    """Dropping a key before re-encrypting stops with a message, never shows a token as a number."""
    settings.REGISTRATION_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(Exception, match="rotate_personal_data"):
        Applicant.objects.get(pk=applicant.pk)


def test_a_malformed_key_is_a_system_check_error(settings):
    """A typo in REGISTRATION_ENCRYPTION_KEYS fails ``manage.py check``, not the first registration."""
    settings.REGISTRATION_ENCRYPTION_KEYS = ["not-a-fernet-key"]
    assert [e.id for e in encryption_keys_are_usable()] == ["registration.E003"]
    settings.REGISTRATION_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    assert encryption_keys_are_usable() == []


def test_the_clerks_page_lists_applications_with_the_same_data(client, make_account):
    """A clerk opening an application sees the other one with the same passport, linked by its number."""
    from django.urls import reverse

    from registration.accounts.models import Account

    first = make_applicant(make_account())
    second = make_applicant(make_account(), snils="", inn="")
    clerk = Account.objects.create_superuser("root@staff.example.org", "Correct-Horse-42")
    client.force_login(clerk)
    page = client.get(reverse("admin:identity_pendingapplication_change", args=[first.pk])).content.decode()
    assert 'id="duplicates"' in page and second.application_number in page
    alone = make_applicant(make_account(), snils="", inn="", passport="FZ9999999")
    page = client.get(reverse("admin:identity_pendingapplication_change", args=[alone.pk])).content.decode()
    assert 'id="duplicates"' not in page
