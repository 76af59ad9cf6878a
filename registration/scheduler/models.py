"""The last period each piece of scheduled work was queued for: one row per name, shared by every scheduler."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ScheduledRun(models.Model):
    """One row per scheduled entry (``registration/scheduler/schedule.py``).

    A scheduler claims a period by a conditional ``UPDATE … WHERE last_period IS NULL OR last_period < %s``
    and queues the task in the same transaction: of any number of schedulers racing, exactly one changes
    the row (PostgreSQL re-reads it after the first commits), so the task is queued once per period.
    """

    name = models.CharField(_("name"), max_length=64, primary_key=True)
    last_period = models.DateTimeField(_("last period queued"), null=True, blank=True)
    last_enqueued_at = models.DateTimeField(_("queued at"), null=True, blank=True)
    last_task_id = models.CharField(_("task id"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("scheduled run")
        verbose_name_plural = _("scheduled runs")

    def __str__(self) -> str:
        return self.name
