"""Confirmation without a clerk, where the evidence suffices: the rules, as data.

A rule names the methods whose proof it accepts, the proof the person gave (flags the method records
in ``IdentityConfirmation.details``) and what the agencies' registries must have said. When every part
holds, the account is confirmed by the rule, with no clerk: the confirmation records the rule's name
and the audit event says so. Everything else goes to a clerk as before. The rules in force are
``REGISTRATION_AUTOMATIC_CONFIRMATION_RULES`` (names; ``None``: all of :data:`RULES`; ``[]``: none).

The rules are evaluated when the person's proof arrives and again whenever a registry's answer about
them is recorded (the registry may answer after the person typed the code).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.dispatch import receiver
from django.http import HttpRequest
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from registration.accounts.models import Applicant
from registration.core.conf import app_settings
from registration.identity import flows
from registration.identity.base import IdentityError, Outcome
from registration.identity.models import OPEN_STATES, IdentityConfirmation
from registration.registries import flows as registry_checks
from registration.registries.models import RegistryCheck

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Rule:
    """All of it must hold: one of ``methods``, each flag of ``proof``, each registry outcome of ``registries``."""

    name: str
    description: Promise
    methods: tuple[str, ...]
    proof: tuple[str, ...]
    registries: Mapping[str, tuple[str, ...]]


RULES: tuple[Rule, ...] = (
    Rule(
        name="mvd_document_and_migration_phone",
        description=_(
            "The Ministry of Internal Affairs confirms the identity document, and the person proved the mobile "
            "number on their migration record with a code sent to it."
        ),
        methods=("mobile_id",),
        proof=("mobile_proven",),
        registries={"identity_document": ("match",), "migration_phone": ("match", "no_match")},
    ),
)


def rules_in_force() -> list[Rule]:
    names = app_settings.AUTOMATIC_CONFIRMATION_RULES
    return list(RULES) if names is None else [rule for rule in RULES if rule.name in names]


def outcomes_of(confirmation: IdentityConfirmation) -> dict[str, str]:
    return dict(
        RegistryCheck.objects.filter(applicant__account=confirmation.account).values_list("question", "outcome")
    )


def matching_rule(confirmation: IdentityConfirmation) -> Rule | None:
    """The first rule in force that the confirmation's proof and the registries' answers satisfy."""
    outcomes: dict[str, str] | None = None
    for rule in rules_in_force():
        if confirmation.method not in rule.methods:
            continue
        if not all(confirmation.details.get(flag) for flag in rule.proof):
            continue
        if outcomes is None:
            outcomes = outcomes_of(confirmation)
        if all(outcomes.get(question) in allowed for question, allowed in rule.registries.items()):
            return rule
    return None


def try_confirm(confirmation: IdentityConfirmation, *, request: HttpRequest | None = None) -> Outcome | None:
    """Confirm by the first rule that holds (audited with its name); None when a clerk must decide."""
    rule = matching_rule(confirmation)
    if rule is None:
        return None
    try:
        return flows.confirm(confirmation, by=None, request=request, details={"automatic_rule": rule.name})
    except IdentityError:  # closed or decided meanwhile: nothing to do
        return None


@receiver(registry_checks.check_recorded)
def registry_answered(sender: Any, check: RegistryCheck, **kwargs: Any) -> None:
    """A registry's late answer may complete a rule for a person waiting with their proof given."""
    confirmation = (
        IdentityConfirmation.objects.filter(
            account__in=Applicant.objects.filter(pk=check.applicant_id).values("account_id"), state__in=OPEN_STATES
        )
        .select_related("account")
        .first()
    )
    if confirmation is not None:
        try_confirm(confirmation)
