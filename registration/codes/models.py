"""Every one-time code the service issues, in one table: stored as a keyed hash, never in clear."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registration.codes.policy import POLICIES


class CodePurpose(models.TextChoices):
    PHONE = "phone", _("Phone confirmation")
    EMAIL = "email", _("E-mail confirmation")
    LOGIN = "login", _("Log-in code")
    SERVICE_CENTRE = "service_centre", _("Service-centre code")
    POST_LETTER = "post_letter", _("Post letter code")
    CONSULATE = "consulate", _("Consulate code")
    CALLER = "caller", _("Code sent to the account's phone")
    RESUME = "resume", _("Continuing a saved registration")
    MOBILE_ID = "mobile_id", _("Mobile identification code")


class OneTimeCodeQuerySet(models.QuerySet["OneTimeCode"]):
    def live(self) -> OneTimeCodeQuerySet:
        """Neither used nor revoked (expiry and attempts are judged when checking, to say which it was)."""
        return self.filter(used_at__isnull=True, revoked_at__isnull=True)


class OneTimeCode(models.Model):
    """One code issued for a purpose to a subject; at most one code per purpose and subject is live.

    ``subject`` is opaque to this app: a wizard draft's identifier, ``account:<pk>``, ``letter:<pk>``,
    ``caller-check:<pk>``, or (for a purpose whose subject is personal data, such as a passport number)
    a keyed digest of it. The code's hash is bound to the purpose, the subject and the address.
    Issuing a new code revokes the live one; its ``created_at`` starts the resend cooldown.
    """

    purpose = models.CharField(_("purpose"), max_length=24, choices=CodePurpose.choices)
    subject = models.CharField(_("owner"), max_length=64, editable=False)
    subject_hint = models.CharField(_("subject"), max_length=32, blank=True, help_text=_("Masked, for clerks."))
    address = models.CharField(_("sent to"), max_length=254, blank=True)
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="one_time_codes",
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    code_hash = models.CharField(_("code hash"), max_length=64, editable=False)
    created_at = models.DateTimeField(_("issued"), default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("valid until"))
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    used_at = models.DateTimeField(_("used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = OneTimeCodeQuerySet.as_manager()

    class Meta:
        verbose_name = _("one-time code")
        verbose_name_plural = _("one-time codes")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["purpose", "subject"],
                condition=Q(used_at__isnull=True, revoked_at__isnull=True),
                name="one_time_code_one_live_per_subject",
            ),
        ]
        indexes = [
            models.Index(fields=["purpose", "subject", "created_at"], name="one_time_code_subject"),
            models.Index(fields=["created_at"], name="one_time_code_created"),
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} {self.subject_hint} ({self.created_at:%d.%m.%Y})"

    @property
    def max_attempts(self) -> int:
        """Entries the code survives, as its purpose's policy says now."""
        return POLICIES[self.purpose].limits().max_attempts

    @property
    def is_confirmed(self) -> bool:
        return self.used_at is not None

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_exhausted(self) -> bool:
        return self.attempts >= self.max_attempts


OneTimeCode.max_attempts.fget.short_description = _("attempts allowed")  # type: ignore[attr-defined]
