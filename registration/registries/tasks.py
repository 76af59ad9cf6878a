"""The background tasks of the registry checks (Django's tasks framework, through the django-tasks backport)."""

from __future__ import annotations

from django_tasks import task

from registration.registries import flows


@task()
def check_application(applicant_id: int) -> dict[str, str]:
    """Ask the registries every unsettled question of one application; returns what was recorded."""
    return flows.run_checks(applicant_id)


@task()
def recheck_registries() -> int:
    """``manage.py recheck_registries`` as a task: queue the checks that are due again; returns how many."""
    return flows.recheck_due()
