"""Re-encrypt personal data with the newest key and recompute every keyed hash.

Run it after putting a new key first in ``REGISTRATION_ENCRYPTION_KEYS`` (or after rotating
``SECRET_KEY`` with the old one in ``SECRET_KEY_FALLBACKS``), and after changing
``REGISTRATION_LOOKUP_KEY``. It also re-encrypts every file of the ``scans`` and ``wizard`` storages
(scans, requested documents, support attachments, draft uploads; files stored in clear before
encryption are encrypted) and every stored session (wizard drafts). When it has finished, the old keys
can be removed. It works in batches, each in its own transaction, and can be run again safely.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import storages
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.db.models import Model

from registration.accounts.models import Applicant, Document
from registration.core import sessions
from registration.core.storage import EncryptedStorage, walk
from registration.profile.models import ProfileChangeRequest

#: The models with encrypted columns, and what each save must write.
ROTATED = (
    (Applicant, ["snils", "inn", "snils_hash", "snils_last_digits", "inn_hash", "inn_last_digits"]),
    (Document, ["series", "number", "mrz", "number_hash", "number_last_digits"]),
    (ProfileChangeRequest, ["proposed_json"]),
    # The registration drafts kept on the server (looked up by label: profile does not import the wizard).
    (apps.get_model("onboarding", "SavedDraft"), ["data"]),
)

#: Encrypted columns of apps this one may not import, by model label: the number on a migration record.
ROTATED_ELSEWHERE = (("registries.RegistryCheck", ["found_phone"]),)

#: The storages whose files are re-encrypted.
ENCRYPTED_STORAGES = ("scans", "wizard")


class Command(BaseCommand):
    help = "Re-encrypt personal data with the newest key and recompute the keyed hashes."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=500, help="rows per transaction")

    def handle(self, *args: Any, batch_size: int, **options: Any) -> None:
        elsewhere = [(apps.get_model(label), fields) for label, fields in ROTATED_ELSEWHERE]
        tables: list[tuple[type[Model], list[str]]] = [*ROTATED, *elsewhere]
        for model, fields in tables:
            done = 0
            pks = list(model._default_manager.order_by("pk").values_list("pk", flat=True))
            for start in range(0, len(pks), batch_size):
                with transaction.atomic():
                    rows = model._default_manager.select_for_update().filter(pk__in=pks[start : start + batch_size])
                    for row in rows:
                        # Reading decrypted with any key; saving encrypts with the newest and re-hashes.
                        row.save(update_fields=fields)
                        done += 1
            self.stdout.write(f"{model._meta.label}: {done} rows re-encrypted")
        for alias in ENCRYPTED_STORAGES:
            storage = storages[alias]
            if not isinstance(storage, EncryptedStorage):
                self.stdout.write(f"{alias}: not an encrypted storage, left alone")
                continue
            rotated, unreadable = 0, 0
            for name in walk(storage):
                try:
                    rotated += storage.rotate(name)
                except ImproperlyConfigured:
                    unreadable += 1
            self.stdout.write(f"{alias}: {rotated} files re-encrypted")
            if unreadable:
                # Left as they are: dropping the key that wrote them would lose them.
                self.stderr.write(f"{alias}: {unreadable} files open with none of the configured keys")
        self.stdout.write(f"sessions: {sessions.rotate_stored(batch_size)} re-encrypted")
