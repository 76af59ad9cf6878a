"""The wizard's background task: reading the machine-readable zone of an identity-document scan.

Reading takes about a second of CPU on a phone photo (README: the zone read from the scan), too long
for a step's request, so the step queues it (Django's tasks framework, the ``django-tasks``
backport) and shows the result when it is ready. Nothing read is logged.
"""

from __future__ import annotations

from django_tasks import task

from registration.onboarding import zone


@task()
def read_zone(draft: str, scan: str) -> str:
    """Read the zone of one draft's stored scan (random names, nothing personal); returns the status, never
    what was read."""
    return zone.read_stored(draft, scan)
