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
