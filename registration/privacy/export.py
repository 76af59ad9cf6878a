"""What the service holds about a person, as a ZIP archive: ``data.json``, their scans decrypted and a
``README.txt`` in their language (152-FZ, article 14: the subject's right to their data).

``data.json`` lists every row ``registration.privacy.erasure.holdings`` finds (so the same rows that
closing the account would erase), field by field, and the audit events about the account. Secrets are
left out (password and code hashes, keyed lookup hashes); the staff are named only as "staff"; internal
notes of the support desk are not the person's data and stay out. The archive is written to a temporary
file, a scan at a time, never held whole in memory.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import zipfile
from pathlib import PurePosixPath
from typing import IO, Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.template.loader import render_to_string
from django.utils import timezone, translation

from registration.accounts import audit
from registration.accounts.models import Account, AuditEvent
from registration.core import mail
from registration.core.conf import app_settings
from registration.privacy import erasure

#: Fields never exported: secrets and derived lookup values, not data about the person.
SECRET_FIELDS = frozenset({"password", "code_hash", "link_hash", "handle_hash"})
ACCOUNT_FIELDS = (
    "id",
    "email",
    "phone",
    "status",
    "status_reason",
    "status_changed_at",
    "preferred_language",
    "created_at",
    "last_login",
)


class _Encoder(DjangoJSONEncoder):
    def default(self, o: Any) -> Any:
        try:
            return super().default(o)
        except TypeError:
            return str(o)


def _is_secret(field: models.Field) -> bool:
    return field.name in SECRET_FIELDS or field.name.endswith("_hash")


def _who(pk: int | None, account: Account) -> str | None:
    if pk is None:
        return None
    return "you" if pk == account.pk else "staff"


def _value(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if hasattr(value, "code") and not isinstance(value, str | int | float | bool):
        return value.code  # a django-countries Country
    return value


def _row(instance: models.Model, account: Account, scans: list[tuple[Any, str, str]]) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for model_field in instance._meta.concrete_fields:
        if _is_secret(model_field):
            continue
        if isinstance(model_field, models.FileField):
            stored = getattr(instance, model_field.attname)
            if stored:
                suffix = PurePosixPath(stored.name).suffix.lower()
                path = f"scans/{instance._meta.model_name}-{instance.pk}-{model_field.name}{suffix}"
                scans.append((stored.storage, stored.name, path))
                row[model_field.name] = path
            else:
                row[model_field.name] = None
            continue
        if model_field.is_relation and model_field.related_model is Account:
            row[model_field.name] = _who(getattr(instance, model_field.attname), account)
            continue
        row[model_field.name] = _value(getattr(instance, model_field.attname))
    return row


def collect(account: Account) -> tuple[dict[str, Any], list[tuple[Any, str, str]]]:
    """The archive's ``data.json`` content and the scans to add (storage, stored name, path in the archive)."""
    scans: list[tuple[Any, str, str]] = []
    holdings = erasure.holdings(account)
    tables: dict[str, list[dict[str, Any]]] = {}
    for model, instances in sorted(holdings.rows.items(), key=lambda item: item[0]._meta.label_lower):
        rows = [
            _row(instance, account, scans)
            for instance in instances
            if not getattr(instance, "internal", False)  # the support desk's internal notes
        ]
        if rows:
            tables[model._meta.label_lower] = rows
    events = [
        {
            "at": event.at,
            "action": event.action,
            "description": audit.label(event.action),
            "by": _who(event.actor_id, account),
            "status_before": event.from_status,
            "status_after": event.to_status,
            "reason": event.reason,
            "ip_address": event.ip_address,
            "details": event.data,
        }
        for event in AuditEvent.objects.filter(account=account).order_by("at", "pk")
    ]
    data = {
        "generated_at": timezone.now(),
        "account": {name: _value(getattr(account, name)) for name in ACCOUNT_FIELDS},
        "records": tables,
        "audit_events": events,
    }
    return data, scans


def write_archive(account: Account, target: IO[bytes]) -> dict[str, int]:
    """Write the person's archive to ``target`` (a binary file); returns what it holds, counted."""
    data, scans = collect(account)
    with translation.override(mail.language_of(account)):
        readme = render_to_string(
            "privacy/export_readme.txt",
            {"account": account, "generated_at": data["generated_at"], "support_email": app_settings.SUPPORT_EMAIL},
        )
        text = json.dumps(data, cls=_Encoder, ensure_ascii=False, indent=2)
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", readme)
        archive.writestr("data.json", text)
        for storage, name, path in scans:
            with storage.open(name, "rb") as source, archive.open(path, "w") as destination:
                shutil.copyfileobj(source, destination, 1024 * 1024)
    return {"records": sum(len(rows) for rows in data["records"].values()), "scans": len(scans)}


def build_archive(account: Account) -> tuple[IO[bytes], dict[str, int]]:
    """The archive in a temporary file (deleted when closed), rewound, and its counts."""
    target = tempfile.TemporaryFile()  # noqa: SIM115 -- handed to the response, which closes it
    try:
        counts = write_archive(account, target)
    except BaseException:
        target.close()
        raise
    target.seek(0)
    return target, counts
