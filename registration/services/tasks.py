"""The services' scheduled task: reminders before a result ends, and expiry after it has."""

from __future__ import annotations

from django_tasks import task

from registration.services import flows


@task()
def remind_services() -> dict[str, int]:
    """Send the reminders that are due (each once) and mark ended results expired; returns the counts."""
    return {"reminded": flows.send_reminders(), "expired": flows.expire()}
