"""Reconcile the payments stuck in "pending" (run from cron every few minutes)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from registration.payments import flows, tasks


class Command(BaseCommand):
    help = (
        "Ask the payment provider about payments pending longer than REGISTRATION_PAYMENT_PENDING_MINUTES; "
        "record those pending longer than REGISTRATION_PAYMENT_EXPIRY_HOURS as not paid."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--enqueue", action="store_true", help="queue the task for the db_worker instead")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            result = tasks.reconcile_payments.enqueue()
            self.stdout.write(f"Queued the reconciliation ({result.id}).")
            return
        counts = flows.reconcile()
        self.stdout.write(
            "Asked {asked}, settled {settled}, expired {expired}, without an answer {unanswered}.".format(**counts)
        )
