"""The background task of the payments: reconciling those still waiting (django-tasks)."""

from __future__ import annotations

from django_tasks import task

from registration.payments import flows


@task()
def reconcile_payments() -> dict[str, int]:
    """Ask the provider about the payments pending too long; expire the oldest (see ``flows.reconcile``)."""
    return flows.reconcile()
