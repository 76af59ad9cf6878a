"""Caller verification on the support line: each check (never the values compared) and the alerts it raises."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CheckMethod(models.TextChoices):
    DATA = "data", _("Data the caller gave")
    CODE = "code", _("Code sent to the account's phone")


class CallerCheck(models.Model):
    """One check of a caller against one account by one operator: which facts, and whether they matched.

    A matched data check opens a verification for that operator and account until ``verified_until``;
    a one-time code texted to the account's phone for it has the check as its subject (``codes`` app),
    and ``code_matched_at`` records when the caller read it back.
    """

    account = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("account"), on_delete=models.CASCADE, related_name="caller_checks"
    )
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("operator"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="caller_checks_made",
    )
    method = models.CharField(_("method"), max_length=8, choices=CheckMethod.choices, default=CheckMethod.DATA)
    facts = models.JSONField(_("facts compared"), default=list, blank=True)
    matched = models.BooleanField(_("matched"), default=False)
    created_at = models.DateTimeField(_("checked"), default=timezone.now, db_index=True)
    verified_until = models.DateTimeField(_("verified until"), null=True, blank=True)
    code_matched_at = models.DateTimeField(_("code read back"), null=True, blank=True)

    class Meta:
        verbose_name = _("caller check")
        verbose_name_plural = _("caller checks")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["account", "matched", "created_at"], name="caller_check_failures")]
        # The support operators' actions, granted to role groups by a migration.
        permissions = [
            ("verify_caller", _("Can check a caller against an account")),
            ("lift_login_lockout", _("Can lift a verified caller's log-in lockout")),
            ("resend_contact_code", _("Can send a verified caller's contact confirmation code again")),
            ("send_password_reset", _("Can send a password reset link to a verified caller's e-mail")),
            ("add_support_note", _("Can add internal notes to support requests")),
        ]

    def __str__(self) -> str:
        return f"{self.get_method_display()} #{self.pk}"


class CallerVerificationAlert(models.Model):
    """Raised when caller checks for one account failed too often: verification is locked for a while."""

    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.CASCADE,
        related_name="caller_alerts",
    )
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("operator of the last failed check"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    failures = models.PositiveSmallIntegerField(_("failed checks"), default=0)
    created_at = models.DateTimeField(_("raised"), default=timezone.now, db_index=True)
    locked_until = models.DateTimeField(_("verification locked until"))
    acknowledged_at = models.DateTimeField(_("dealt with"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dealt with by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("caller verification alert")
        verbose_name_plural = _("caller verification alerts")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{_('Alert')} #{self.pk}"
