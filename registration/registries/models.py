"""What the registries answered, per application and question; the summary the queue filters on; the breakers."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registration.accounts.models import Applicant
from registration.core.crypto import EncryptedTextField
from registration.registries.questions import Outcome, Registry, choices


class RegistryCheck(models.Model):
    """The latest answer to one question about one application (each change is also in the audit log)."""

    applicant = models.ForeignKey(
        Applicant, verbose_name=_("applicant"), on_delete=models.CASCADE, related_name="registry_checks"
    )
    question = models.CharField(_("question"), max_length=32, choices=choices)
    registry = models.CharField(_("registry"), max_length=8, choices=Registry.choices)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, default=Outcome.PENDING)
    # The registry's own reference for its answer (its request number), for a clerk to quote.
    reference = models.CharField(_("registry reference"), max_length=64, blank=True)
    # A short code the registry adds (for example "expired", "other_person"); never personal data.
    detail = models.CharField(_("detail"), max_length=32, blank=True)
    # The mobile number on the migration record (personal data: encrypted at rest).
    found_phone = EncryptedTextField(_("number on record"), max_length=16, blank=True)
    created_at = models.DateTimeField(_("asked first"), default=timezone.now, editable=False)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    # Rounds in a row in which the registry could not be reached (the re-check's back-off grows with it).
    failures = models.PositiveIntegerField(_("failed rounds"), default=0)
    next_check_at = models.DateTimeField(_("next check"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("registry check")
        verbose_name_plural = _("registry checks")
        ordering = ["applicant", "question"]
        constraints = [
            models.UniqueConstraint(fields=["applicant", "question"], name="registries_one_check_per_question")
        ]

    def __str__(self) -> str:
        return f"{self.get_question_display()}: {self.get_outcome_display()}"


class Standing(models.TextChoices):
    NOT_CHECKED = "not_checked", _("not checked yet")
    AGREES = "agrees", _("registries agree")
    DISAGREES = "disagrees", _("a registry disagrees")


class RegistryStanding(models.Model):
    """One row per application: what its checks add up to, an indexed column for the clerks' queue."""

    applicant = models.OneToOneField(
        Applicant,
        verbose_name=_("applicant"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="registry_standing",
    )
    state = models.CharField(
        _("registry checks"), max_length=16, choices=Standing.choices, default=Standing.NOT_CHECKED, db_index=True
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("registry standing")
        verbose_name_plural = _("registry standings")

    def __str__(self) -> str:
        return self.get_state_display()


class RegistryCircuit(models.Model):
    """A registry's circuit breaker, in the database so that every app server and worker shares it."""

    registry = models.CharField(_("registry"), max_length=8, choices=Registry.choices, primary_key=True)
    failures = models.PositiveIntegerField(_("failures in a row"), default=0)
    open_until = models.DateTimeField(_("not asked until"), null=True, blank=True)

    class Meta:
        verbose_name = _("registry circuit breaker")
        verbose_name_plural = _("registry circuit breakers")

    def __str__(self) -> str:
        return self.get_registry_display()
