"""The applicant's data and documents, as typed in the wizard and checked by clerks."""

from __future__ import annotations

import secrets
import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from registration.core.crypto import EncryptedTextField, compact, lookup_hash


def scans_storage():  # type: ignore[no-untyped-def]
    """The private storage for identity-document scans (``STORAGES["scans"]``)."""
    return storages["scans"]


def scan_upload_to(instance: Document, filename: str) -> str:
    """A random path: the person's file name never reaches the file system."""
    suffix = PurePosixPath(filename).suffix.lower()
    if suffix not in {".pdf", ".jpg", ".jpeg", ".png"}:
        suffix = ""
    now = timezone.now()
    return f"{now:%Y/%m}/{uuid.uuid4().hex}{suffix}"


def new_application_number() -> str:
    """Ten random digits: easy to read out on the phone, impossible to guess or enumerate."""
    return f"{secrets.randbelow(9 * 10**9) + 10**9}"


class Sex(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class Applicant(models.Model):
    """The person behind an account: names, birth, citizenship, identifiers and address in Russia."""

    account = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("account"), on_delete=models.CASCADE, related_name="applicant"
    )
    application_number = models.CharField(
        _("application number"), max_length=16, unique=True, default=new_application_number, editable=False
    )
    surname = models.CharField(_("surname (Latin)"), max_length=100)
    given_names = models.CharField(_("given names (Latin)"), max_length=100)
    patronymic = models.CharField(_("patronymic (Latin)"), max_length=100, blank=True)
    surname_cyrillic = models.CharField(_("surname (Cyrillic)"), max_length=100)
    given_names_cyrillic = models.CharField(_("given names (Cyrillic)"), max_length=100)
    patronymic_cyrillic = models.CharField(_("patronymic (Cyrillic)"), max_length=100, blank=True)
    birth_date = models.DateField(_("date of birth"))
    birth_place = models.CharField(_("place of birth"), max_length=200)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    citizenship = CountryField(_("citizenship"))
    # SNILS and INN are encrypted at rest; a keyed hash finds duplicates, the last digits help clerks.
    snils = EncryptedTextField(_("SNILS"), max_length=11, blank=True)
    snils_hash = models.CharField(_("SNILS keyed hash"), max_length=64, blank=True, db_index=True, editable=False)
    snils_last_digits = models.CharField(_("last digits of the SNILS"), max_length=4, blank=True, editable=False)
    inn = EncryptedTextField(_("INN"), max_length=12, blank=True)
    inn_hash = models.CharField(_("INN keyed hash"), max_length=64, blank=True, db_index=True, editable=False)
    inn_last_digits = models.CharField(_("last digits of the INN"), max_length=4, blank=True, editable=False)
    region = models.CharField(_("region"), max_length=2)
    city = models.CharField(_("city or settlement"), max_length=100)
    street = models.CharField(_("street"), max_length=200)
    house = models.CharField(_("house"), max_length=20)
    flat = models.CharField(_("flat"), max_length=20, blank=True)
    postcode = models.CharField(_("postal code"), max_length=6)
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now, db_index=True)
    # What the clerks' queue filters and sorts on, copied here so that one index serves each filter: the
    # account's status (kept by ``registration.accounts.status``) and the method and centre of the identity
    # confirmation the queue shows, the open one else the latest (kept by ``IdentityConfirmation.save`` and
    # the identity flows, through ``registration.identity.queue_columns``), each in the changing transaction.
    queue_status = models.CharField(_("status"), max_length=16, default="pending", editable=False)
    queue_method = models.CharField(_("method"), max_length=32, blank=True, editable=False)
    queue_centre = models.ForeignKey(
        "identity.ServiceCentre",
        verbose_name=_("service centre"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        db_index=False,  # the composite indexes below start with it
    )

    class Meta:
        verbose_name = _("applicant")
        verbose_name_plural = _("applicants")
        ordering = ["submitted_at"]
        # The queue's filters, each with its ordering (oldest first, or by surname), so that a page reads
        # its rows straight from an index however large the table grows.
        indexes = [
            models.Index(fields=["queue_status", "submitted_at", "id"], name="applicant_queue"),
            models.Index(fields=["queue_status", "queue_method", "submitted_at", "id"], name="applicant_queue_method"),
            models.Index(fields=["queue_status", "queue_centre", "submitted_at", "id"], name="applicant_queue_centre"),
            models.Index(
                fields=["queue_status", "queue_centre", "queue_method", "submitted_at", "id"],
                name="applicant_queue_centre_method",
            ),
            models.Index(fields=["queue_method", "submitted_at", "id"], name="applicant_method"),
            models.Index(fields=["queue_centre", "submitted_at", "id"], name="applicant_centre"),
            models.Index(fields=["queue_status", "surname", "id"], name="applicant_queue_surname"),
            models.Index(fields=["surname", "id"], name="applicant_surname"),
        ]

    def __str__(self) -> str:
        return f"{self.application_number} {self.surname} {self.given_names}"

    def save(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        self.refresh_lookup_columns()
        if self._state.adding and self.account_id is not None:
            self.queue_status = self.account.status
        super().save(*args, **kwargs)

    def refresh_lookup_columns(self) -> None:
        """Recompute the keyed hashes and last digits from the (decrypted) SNILS and INN."""
        snils, inn = compact(self.snils), compact(self.inn)
        self.snils_hash, self.snils_last_digits = lookup_hash("snils", snils), snils[-4:]
        self.inn_hash, self.inn_last_digits = lookup_hash("inn", inn), inn[-4:]

    @property
    def full_name_latin(self) -> str:
        return " ".join(p for p in (self.surname, self.given_names, self.patronymic) if p)

    @property
    def full_name_cyrillic(self) -> str:
        return " ".join(p for p in (self.surname_cyrillic, self.given_names_cyrillic, self.patronymic_cyrillic) if p)


class DocumentRole(models.TextChoices):
    IDENTITY = "identity", _("Identity document")
    STAY = "stay", _("Document of stay in Russia")
    #: A notarised translation into Russian of an identity document not written in Latin or Cyrillic letters.
    TRANSLATION = "translation", _("Notarised translation of the identity document")


class DocumentKind(models.TextChoices):
    FOREIGN_PASSPORT = "foreign_passport", _("Foreign citizen's passport")
    OTHER_IDENTITY = "other_identity", _("Another internationally recognised identity document")
    RESIDENCE_PERMIT = "residence_permit", _("Residence permit")
    TEMPORARY_RESIDENCE = "temporary_residence", _("Temporary residence permit")
    MIGRATION_CARD = "migration_card", _("Migration card")
    WORK_PATENT = "work_patent", _("Work patent")
    STAY_REGISTRATION = "stay_registration", _("Registration at the place of stay")
    # A stateless person's identity documents (Federal law 115-FZ, article 10).
    STATELESS_TRAVEL_DOCUMENT = (
        "stateless_travel_document",
        _("Travel document of a stateless person, issued by a foreign state"),
    )
    STATELESS_RESIDENCE_PERMIT = "stateless_residence_permit", _("Residence permit of a stateless person (Russian)")
    STATELESS_TEMPORARY_RESIDENCE = (
        "stateless_temporary_residence",
        _("Temporary residence permit of a stateless person (Russian)"),
    )
    STATELESS_IDENTITY_CARD = "stateless_identity_card", _("Identity card of a stateless person in Russia")


class Document(models.Model):
    """An identity document or a document of stay, with its scan in the private scans storage."""

    applicant = models.ForeignKey(
        Applicant, verbose_name=_("applicant"), on_delete=models.CASCADE, related_name="documents"
    )
    role = models.CharField(_("role"), max_length=16, choices=DocumentRole.choices)
    kind = models.CharField(_("type"), max_length=32, choices=DocumentKind.choices)
    country = CountryField(_("issuing country"), blank=True)
    # The series, number and machine-readable zone are encrypted at rest; the keyed hash of series and
    # number finds the same document in another application, the last digits serve clerks' search.
    series = EncryptedTextField(_("series"), max_length=20, blank=True)
    number = EncryptedTextField(_("number"), max_length=40, blank=True)
    number_hash = models.CharField(_("number keyed hash"), max_length=64, blank=True, db_index=True, editable=False)
    number_last_digits = models.CharField(
        _("last digits of the number"), max_length=4, blank=True, db_index=True, editable=False
    )
    issue_date = models.DateField(_("date of issue"), null=True, blank=True)
    expiry_date = models.DateField(_("valid until"), null=True, blank=True)
    issuing_authority = models.CharField(_("issued by"), max_length=300, blank=True)
    mrz = EncryptedTextField(_("machine-readable zone"), blank=True)
    scan = models.FileField(_("scan"), storage=scans_storage, upload_to=scan_upload_to, max_length=200, blank=True)
    scan_name = models.CharField(_("scan file name"), max_length=255, blank=True)
    scan_type = models.CharField(_("scan type"), max_length=16, blank=True)
    scan_size = models.PositiveIntegerField(_("scan size in bytes"), default=0)
    scan_sha256 = models.CharField(_("scan SHA-256"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("added"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["applicant", "role", "created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} …{self.number_last_digits}"

    def save(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        self.refresh_lookup_columns()
        super().save(*args, **kwargs)

    def refresh_lookup_columns(self) -> None:
        """Recompute the keyed hash and the last digits from the (decrypted) series and number."""
        self.number_last_digits = compact(self.number)[-4:]
        self.number_hash = lookup_hash("document", compact(f"{self.series}{self.number}"))
