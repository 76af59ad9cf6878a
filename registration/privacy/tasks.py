"""The retention rules as a background task (Django's tasks framework), for a scheduler that enqueues tasks."""

from __future__ import annotations

from django_tasks import task

from registration.privacy import retention


@task()
def apply_retention() -> dict[str, dict[str, int]]:
    """Apply every retention rule once; returns the counts per rule (no personal data)."""
    return retention.apply().counts
