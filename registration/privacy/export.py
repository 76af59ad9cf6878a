"""What the service holds about a person, as a ZIP archive: ``data.json``, their scans decrypted and a
``README.txt`` in their language (152-FZ, article 14: the subject's right to their data).

``data.json`` lists every row ``registration.privacy.erasure.holdings`` finds (so the same rows that
closing the account would erase), field by field, and the audit events about the account. Applications
for services, payments and issued documents have sections of their own, as the person knows them: the
answers as typed, the history with the messages they were shown and the scans under
``services/<number>/``; each payment's amount, status, dates and the provider's payment id; each
document's number, kind, validity and content, with its PDF under ``documents/<number>.pdf``. Secrets are
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
from registration.documents import issuing
from registration.documents.models import IssuedDocument
from registration.documents.pdf import render_pdf
from registration.payments.models import Payment
from registration.privacy import erasure
from registration.services import registry as service_registry
from registration.services.models import Attachment, ServiceApplication, StatusChange

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


#: Rows exported in sections of their own (below) rather than as raw tables.
OWN_SECTIONS: tuple[type[models.Model], ...] = (ServiceApplication, Attachment, StatusChange, IssuedDocument)

#: A file of the archive: (storage, stored name, path in the archive), or (None, PDF's document, path).
ArchiveFile = tuple[Any, Any, str]


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


def _json(text: str) -> Any:
    try:
        return json.loads(text or "{}")
    except ValueError:
        return text


def _services(account: Account, files: list[ArchiveFile]) -> list[dict[str, Any]]:
    """The person's applications for services: answers, statuses, history, the messages they read, scans."""
    applications = (
        ServiceApplication.objects.filter(account=account)
        .prefetch_related("attachments", "history")
        .order_by("created_at", "pk")
    )
    found = []
    for application in applications:
        attachments = []
        for attachment in application.attachments.all():
            path = None
            if attachment.scan:
                suffix = PurePosixPath(attachment.scan.name).suffix.lower()
                path = f"services/{application.number}/{attachment.code}{suffix}"
                files.append((attachment.scan.storage, attachment.scan.name, path))
            attachments.append(
                {
                    "document": attachment.code,
                    "file": path,
                    "file_name": attachment.scan_name,
                    "type": attachment.scan_type,
                    "size": attachment.scan_size,
                    "sha256": attachment.scan_sha256,
                    "uploaded_at": attachment.uploaded_at,
                }
            )
        found.append(
            {
                "number": application.number,
                "service": application.service,
                "service_title": service_registry.title(application.service),
                "status": application.status,
                "status_title": str(application.get_status_display()),
                "created_at": application.created_at,
                "updated_at": application.updated_at,
                "submitted_at": application.submitted_at,
                "decided_at": application.decided_at,
                "valid_until": application.valid_until,
                "message_to_you": application.decision_reason,
                "answers": application.get_answers(),
                "history": [
                    {
                        "at": change.at,
                        "from": change.from_status,
                        "to": change.to_status,
                        "by": _who(change.actor_id, account) or "service",
                        "message": change.message,
                    }
                    for change in application.history.all()
                ],
                "attachments": attachments,
            }
        )
    return found


def _payments(account: Account) -> list[dict[str, Any]]:
    """The person's payments: what the receipt says (never the keys sent to the provider or its page)."""
    return [
        {
            "id": payment.public_id,
            "purpose": payment.purpose,
            "reference": payment.reference,
            "description": payment.description,
            "amount_kopecks": payment.amount_kopecks,
            "currency": "RUB",
            "status": payment.status,
            "created_at": payment.created_at,
            "paid_at": payment.paid_at,
            "refunded_at": payment.refunded_at,
            "provider_payment_id": payment.provider_payment_id,
        }
        for payment in Payment.objects.filter(account=account).order_by("created_at", "pk")
    ]


def _documents(account: Account, files: list[ArchiveFile]) -> list[dict[str, Any]]:
    """The documents issued to the person, each with its PDF (made when the archive is written)."""
    found = []
    for document in IssuedDocument.objects.filter(account=account).order_by("issued_at", "pk"):
        path = f"documents/{document.number}.pdf"
        files.append((None, document, path))
        found.append(
            {
                "number": document.number,
                "kind": document.kind,
                "kind_title": str(document.get_kind_display()),
                "valid_from": document.valid_from,
                "valid_until": document.valid_until,
                "revoked_at": document.revoked_at,
                "issued_at": document.issued_at,
                "language": document.language,
                "content": _json(document.content),
                "pdf": path,
            }
        )
    return found


def collect(account: Account) -> tuple[dict[str, Any], list[ArchiveFile]]:
    """The archive's ``data.json`` content and the files to add: (storage, stored name, path in the archive)
    for scans, (None, the document, path) for an issued document's PDF."""
    scans: list[ArchiveFile] = []
    holdings = erasure.holdings(account)
    tables: dict[str, list[dict[str, Any]]] = {}
    for model, instances in sorted(holdings.rows.items(), key=lambda item: item[0]._meta.label_lower):
        if issubclass(model, OWN_SECTIONS):
            continue
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
        "services": _services(account, scans),
        "payments": _payments(account),
        "documents": _documents(account, scans),
        "audit_events": events,
    }
    return data, scans


def write_archive(account: Account, target: IO[bytes]) -> dict[str, int]:
    """Write the person's archive to ``target`` (a binary file); returns what it holds, counted."""
    with translation.override(mail.language_of(account)):
        data, scans = collect(account)
        readme = render_to_string(
            "privacy/export_readme.txt",
            {"account": account, "generated_at": data["generated_at"], "support_email": app_settings.SUPPORT_EMAIL},
        )
        text = json.dumps(data, cls=_Encoder, ensure_ascii=False, indent=2)
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", readme)
        archive.writestr("data.json", text)
        for storage, name, path in scans:
            if storage is None:  # an issued document: its PDF, as the cabinet gives it
                archive.writestr(path, render_pdf(name, check_url=issuing.check_url(name)))
                continue
            with storage.open(name, "rb") as source, archive.open(path, "w") as destination:
                shutil.copyfileobj(source, destination, 1024 * 1024)
    records = sum(len(rows) for rows in data["records"].values())
    records += len(data["services"]) + len(data["payments"]) + len(data["documents"])
    return {"records": records, "scans": sum(1 for storage, _name, _path in scans if storage is not None)}


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
