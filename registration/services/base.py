"""The small interface every service implements: its steps, scans, fee, desk, statuses and result.

A service is one module with a ``SERVICE`` instance of a :class:`Service` subclass, listed in the
setting ``REGISTRATION_SERVICES`` (``registration.services.registry``). The cabinet's pages, the
desk and the status machine are generic: they ask the service what to show and check.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar

from django import forms
from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from registration.services.models import Status
from validators import dates as vdates
from validators.scans import PhysicalSize

if TYPE_CHECKING:
    from registration.services.models import ServiceApplication


@dataclass(frozen=True)
class Step:
    """One page of the application: a question (the page's heading) and its form."""

    name: str  # snake_case, the URL slug
    title: Promise
    form: type[forms.BaseForm] | Callable[..., Any]
    hint: Promise | str = ""


@dataclass(frozen=True)
class RequiredScan:
    """A document whose scan the service requires, with its size on paper (``validators.scans`` judges the
    resolution against it)."""

    code: str
    label: Promise
    size: PhysicalSize = PhysicalSize.A4
    hint: Promise | str = ""


@dataclass(frozen=True)
class Fee:
    """A state fee paid online before the application counts as submitted."""

    amount: Callable[[], int]  # kopecks, read when used (a setting)
    legal_basis: Promise
    description: Promise


@dataclass(frozen=True)
class Result:
    """The arguments of ``registration.documents.issuing.issue`` for an approved application."""

    kind: str
    valid_from: datetime.date
    valid_until: datetime.date | None
    content: dict[str, Any] = field(default_factory=dict)


class Service:
    """A service people apply for in the cabinet. Subclasses set the class attributes and the hooks."""

    code: ClassVar[str]
    title: ClassVar[Promise]
    #: What the person needs to apply, in one or two sentences for the list of services.
    summary: ClassVar[Promise]
    steps: ClassVar[tuple[Step, ...]]
    scans: ClassVar[tuple[RequiredScan, ...]] = ()
    fee: ClassVar[Fee | None] = None
    #: The access policy's action (``registration.access.PERMISSIONS``) of the desk that decides.
    desk: ClassVar[str] = "decide_services"
    #: The statuses this service goes through (``expired`` only where what it grants runs out).
    statuses: ClassVar[tuple[str, ...]] = (
        Status.DRAFT,
        Status.SUBMITTED,
        Status.IN_REVIEW,
        Status.CHANGES_REQUESTED,
        Status.APPROVED,
        Status.REJECTED,
    )
    #: Days before ``valid_until`` when the person is reminded (``None``: no reminder).
    remind_days_before: ClassVar[int | None] = None
    #: Whether an approved application can be extended by a new one made from it.
    extendable: ClassVar[bool] = False

    @property
    def scans_step(self) -> str:
        """The step that holds the scans (the last step by default)."""
        return "scans"

    def step(self, name: str) -> Step | None:
        return next((step for step in self.steps if step.name == name), None)

    def form_kwargs(self, step: str, application: ServiceApplication) -> dict[str, Any]:
        """Extra arguments for a step's form (for example the dates a period must fall within)."""
        return {}

    def valid_until(self, cleaned: dict[str, dict[str, Any]]) -> datetime.date | None:
        """The last day of what an approval grants, from the cleaned answers (``None``: open-ended)."""
        return None

    def extension_answers(self, previous: ServiceApplication) -> dict[str, Any]:
        """The answers of a new application made from ``previous`` (an extension)."""
        return previous.get_answers()

    def result(self, application: ServiceApplication, cleaned: dict[str, dict[str, Any]]) -> Result:
        """The document issued when the application is approved."""
        raise NotImplementedError

    def has(self, status: str) -> bool:
        return status in self.statuses

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.code}>"


def fee_roubles(kopecks: int) -> str:
    """An amount in kopecks as roubles, as the active language writes numbers: ``1500000`` → "15 000,00"
    in Russian, "15,000.00" in English."""
    amount = Decimal(int(kopecks)) / 100
    return number_format(amount, 2, use_l10n=True, force_grouping=True)


def display(field: forms.Field, value: Any) -> str:
    """A cleaned value as the person typed or chose it, for the check page and the desk."""
    if value in (None, ""):
        return str(_("Not given"))
    if isinstance(value, datetime.date):
        return vdates.format(value)
    if isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    shown = getattr(field, "display", None)
    if shown is not None:
        return str(shown(value))
    for key, label in getattr(field, "choices", None) or ():
        if str(key) == str(value):
            return str(label)
    return str(value)
