"""Re-encrypt personal data with the newest key and recompute every keyed hash.

Run it after putting a new key first in ``REGISTRATION_ENCRYPTION_KEYS`` (or after rotating
``SECRET_KEY`` with the old one in ``SECRET_KEY_FALLBACKS``), and after changing
``REGISTRATION_LOOKUP_KEY``. When it has finished, the old keys can be removed. It works in batches,
each in its own transaction, and can be run again safely.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from registration.accounts.models import Applicant, Document
from registration.profile.models import ProfileChangeRequest

#: The models with encrypted columns, and what each save must write.
ROTATED = (
    (Applicant, ["snils", "inn", "snils_hash", "snils_last_digits", "inn_hash", "inn_last_digits"]),
    (Document, ["series", "number", "mrz", "number_hash", "number_last_digits"]),
    (ProfileChangeRequest, ["proposed_json"]),
)


class Command(BaseCommand):
    help = "Re-encrypt personal data with the newest key and recompute the keyed hashes."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=500, help="rows per transaction")

    def handle(self, *args: Any, batch_size: int, **options: Any) -> None:
        for model, fields in ROTATED:
            done = 0
            pks = list(model.objects.order_by("pk").values_list("pk", flat=True))
            for start in range(0, len(pks), batch_size):
                with transaction.atomic():
                    for row in model.objects.select_for_update().filter(pk__in=pks[start : start + batch_size]):
                        # Reading decrypted with any key; saving encrypts with the newest and re-hashes.
                        row.save(update_fields=fields)
                        done += 1
            self.stdout.write(f"{model._meta.label}: {done} rows re-encrypted")
