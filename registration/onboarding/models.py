"""A registration draft kept on the server, so that it can be continued later, in any browser."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registration.core.crypto import EncryptedTextField


class SavedDraft(models.Model):
    """One wizard draft whose e-mail is confirmed, kept ``REGISTRATION_WIZARD_DRAFT_DAYS`` after its last change.

    ``data`` is the draft as the session holds it (answers, the uploads' metadata, the steps done),
    encrypted at rest. ``handle_hash`` is the keyed hash of the random handle that the browser which
    started the draft keeps in a signed cookie: that browser continues from the e-mailed link at once,
    any other one is first asked for a code texted to the confirmed phone. The link's token is stored
    only as its keyed hash (``link_hash``); it works once, until ``link_expires_at``. Nothing here but
    ``data`` says anything about the person.
    """

    handle_hash = models.CharField(_("handle hash"), max_length=64, unique=True, editable=False)
    draft = models.CharField(_("draft"), max_length=64, unique=True, editable=False)
    data = EncryptedTextField(_("draft data"), editable=False)
    #: The uploads' random storage names (so that the purge keeps them while the draft lives).
    files = models.JSONField(_("stored files"), default=list, blank=True, editable=False)
    language = models.CharField(_("language"), max_length=8, blank=True)
    step = models.CharField(_("step"), max_length=32, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("changed"), default=timezone.now)
    expires_at = models.DateTimeField(_("kept until"), db_index=True)
    link_hash = models.CharField(_("link hash"), max_length=64, blank=True, db_index=True, editable=False)
    link_sent_at = models.DateTimeField(_("link sent"), null=True, blank=True)
    link_expires_at = models.DateTimeField(_("link valid until"), null=True, blank=True)

    class Meta:
        verbose_name = _("saved registration draft")
        verbose_name_plural = _("saved registration drafts")

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.pk}"


class ZoneStatus(models.TextChoices):
    PENDING = "pending", _("Being read")
    READ = "read", _("Read")
    NOT_FOUND = "not_found", _("No zone found")
    UNREADABLE = "unreadable", _("Zone not readable")


class ZoneOutcome(models.TextChoices):
    """What the queue filters on: the zone against the data of the submitted application."""

    NOT_READ = "", _("Not read")
    EQUAL = "equal", _("Scan and typed data agree")
    DIFFER = "differ", _("Scan and typed data differ")


class ZoneReading(models.Model):
    """The machine-readable zone read from one identity-document scan of a draft, then of its application.

    Read in the background (``registration.onboarding.tasks.read_zone``) from the wizard's stored
    file, named by its random storage name; the fields read are kept encrypted (``zone_json``). At
    submission the reading is attached to the applicant and ``outcome`` (indexed, for the queue's
    filter) says whether the zone and the submitted data differ.
    """

    draft = models.CharField(_("draft"), max_length=64, editable=False)
    scan = models.CharField(_("stored scan"), max_length=255, editable=False)
    status = models.CharField(_("status"), max_length=16, choices=ZoneStatus.choices, default=ZoneStatus.PENDING)
    zone_json = EncryptedTextField(_("zone read"), default="{}", editable=False)
    applicant = models.OneToOneField(
        "accounts.Applicant",
        verbose_name=_("applicant"),
        on_delete=models.CASCADE,
        related_name="zone_reading",
        null=True,
        blank=True,
    )
    outcome = models.CharField(
        _("scan and typed data"), max_length=8, choices=ZoneOutcome.choices, blank=True, db_index=True
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("machine-readable zone reading")
        verbose_name_plural = _("machine-readable zone readings")
        constraints = [models.UniqueConstraint(fields=["draft", "scan"], name="zone_reading_draft_scan")]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} {self.pk}"
