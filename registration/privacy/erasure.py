"""Finding everything the service holds about one person, and erasing it.

Every row that refers to the account (or to a row that does, and so on) is found through the models'
own relations, as Django's deletion collector walks them: a model added later with a foreign key to
the account is covered without a change here. Two kinds of row stay: the audit log (kept by law and
anonymised: no address, no free text) and the account itself, as an anonymous tombstone that the audit
log and the closure record point to (placeholder e-mail, no phone, no password, never able to log in).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.files.storage import Storage
from django.db import models, router, transaction
from django.db.models import Q
from django.db.models.deletion import CASCADE, SET_NULL, Collector
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registration.accounts import audit
from registration.accounts.models import Account, AuditEvent
from registration.codes.models import OneTimeCode
from registration.payments.models import Payment
from registration.privacy.models import Closure

audit.register_actions(
    {
        "privacy.erased": _("Personal data erased"),
        "privacy.support_thread_deleted": _("Support request deleted (retention period over)"),
        "privacy.drafts_purged": _("Abandoned registrations deleted"),
        "privacy.service_application_deleted": _("Application for a service deleted (retention period over)"),
        "privacy.exported": _("Personal data downloaded"),
    }
)

#: Rows that refer to an account but outlive its erasure (they hold no personal data of it). Payments are
#: accounting records (primary documents, kept five years under Federal law 402-FZ, article 29): the row
#: keeps the amount, what it paid for (the service's fee and the application's number, whose application is
#: erased), the dates, the status and the provider's payment id, and points to the anonymous tombstone;
#: ``erase`` clears the addresses it held (the provider's page, the return path).
KEPT: tuple[type[models.Model], ...] = (AuditEvent, Closure, Payment)


@dataclass
class Holdings:
    """The rows (by model) and the stored files that belong to one person."""

    rows: dict[type[models.Model], list[models.Model]] = field(default_factory=dict)
    files: list[tuple[Storage, str, models.Model, str]] = field(default_factory=list)
    unlink: list[tuple[type[models.Model], str, Q]] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        found = Counter({model._meta.label_lower: len(rows) for model, rows in self.rows.items() if rows})
        found["files"] = len(self.files)
        return dict(sorted(found.items()))


def _relations(model: type[models.Model]) -> Iterator[Any]:
    """Every relation pointing at ``model`` (hidden ones, ``related_name="+"``, included)."""
    for relation in model._meta.get_fields(include_hidden=True):
        if relation.auto_created and not relation.concrete and (relation.one_to_many or relation.one_to_one):
            yield relation


def _codes_of(account: Account, rows: dict[type[models.Model], list[models.Model]]) -> models.QuerySet[OneTimeCode]:
    """The one-time codes issued for this person: bound to the account, or to one of its subjects."""
    subjects = [f"account:{account.pk}", f"profile:{account.pk}"]
    for model, instances in rows.items():
        prefix = {"support.callercheck": "caller-check", "identity.postletter": "letter"}.get(model._meta.label_lower)
        if prefix:
            subjects += [f"{prefix}:{instance.pk}" for instance in instances]
    return OneTimeCode.objects.filter(Q(account=account) | Q(subject__in=subjects))


def holdings(account: Account) -> Holdings:
    """Everything stored about ``account`` that erasing it would delete (the tombstone and ``KEPT`` aside)."""
    collector = Collector(using=router.db_for_write(Account))
    found = Holdings()
    for relation in _relations(Account):
        model = relation.related_model
        if issubclass(model, KEPT) or model is Account:
            continue
        if relation.field.many_to_many:
            continue
        lookup = Q(**{relation.field.name: account})
        on_delete = relation.on_delete
        if on_delete is SET_NULL:
            # Someone else's row that names the person (a booked video slot): it stays, without them.
            found.unlink.append((model, relation.field.name, lookup))
        elif on_delete is CASCADE:
            collector.collect(model._base_manager.filter(lookup))
    rows: dict[type[models.Model], list[models.Model]] = {}
    for model, instances in collector.data.items():
        rows.setdefault(model._meta.concrete_model or model, []).extend(instances)
    for queryset in collector.fast_deletes:
        rows.setdefault(queryset.model._meta.concrete_model or queryset.model, []).extend(queryset)
    rows.setdefault(OneTimeCode, [])
    known = {code.pk for code in rows[OneTimeCode]}
    rows[OneTimeCode] += [code for code in _codes_of(account, rows) if code.pk not in known]
    for model, instances in rows.items():
        instances.sort(key=lambda row: row.pk)
        file_fields = [f for f in model._meta.concrete_fields if isinstance(f, models.FileField)]
        for instance in instances:
            for file_field in file_fields:
                stored = getattr(instance, file_field.attname)
                if stored:
                    found.files.append((stored.storage, stored.name, instance, file_field.name))
    found.rows = rows
    return found


def erase(account: Account, *, rule: str, by: Account | None = None) -> dict[str, int]:
    """Delete every row and file ``holdings`` finds, make the account an anonymous tombstone, anonymise its
    audit events and record the erasure (what kind, how many: never what was deleted). Returns the counts."""
    from registration.accounts import status

    found = holdings(account)
    counts = found.counts()
    with transaction.atomic():
        for model, attribute, lookup in found.unlink:
            model._base_manager.filter(lookup).update(**{attribute: None})
        for model, instances in found.rows.items():
            if instances:
                model._base_manager.filter(pk__in=[row.pk for row in instances]).delete()
        Account.objects.filter(pk=account.pk).update(
            email=status.CLOSED_EMAIL.format(pk=account.pk),
            phone=None,
            password=make_password(None),
            is_active=False,
            preferred_language="",
            last_login=None,
            status_reason="",
        )
        Payment.objects.filter(account=account).update(redirect_url="", return_path="", updated_at=timezone.now())
        account.groups.clear()
        account.user_permissions.clear()
        AuditEvent.objects.filter(Q(account=account) | Q(actor=account)).anonymise()
        Closure.objects.filter(account=account).update(erased_at=timezone.now())
        audit.record("privacy.erased", account=account, reason=rule, data={"rule": rule, "deleted": counts}, actor=by)
        # The files go once the rows are gone for good: a rolled-back erasure leaves every scan in place.
        files = [(storage, name) for storage, name, _row, _field in found.files]
        transaction.on_commit(lambda: delete_files(files))
    return counts


def delete_files(files: list[tuple[Storage, str]]) -> None:
    """Delete stored files (after the rows that named them are gone); one already missing is no error."""
    for storage, name in files:
        storage.delete(name)
