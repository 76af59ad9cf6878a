"""The wizard's background tasks: reading the machine-readable zone of an identity-document scan, and the
scheduled purge of abandoned uploads (``registration/scheduler/schedule.py``).

Reading takes about a second of CPU on a phone photo (README: the zone read from the scan), too long
for a step's request, so the step queues it (Django's tasks framework, the ``django-tasks``
backport) and shows the result when it is ready. Nothing read is logged.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from registration.onboarding import zone
from registration.onboarding.purge import purge_abandoned


@task()
def read_zone(draft: str, scan: str) -> str:
    """Read the zone of one draft's stored scan (random names, nothing personal); returns the status, never
    what was read."""
    return zone.read_stored(draft, scan)


@task()
def purge_wizard_files(older_than_hours: float = 24) -> dict[str, int]:
    """``manage.py purge_wizard_files --older-than N`` as a task; returns the counts (no personal data)."""
    return asdict(purge_abandoned(timezone.now() - timedelta(hours=older_than_hours)))
