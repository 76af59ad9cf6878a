"""The queue's filters on the applicant row (status, shown method and centre), backfilled, with their indexes."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Case, IntegerField, OuterRef, Subquery, Value, When
from django.db.models.functions import Coalesce

OPEN_STATES = ["in_progress", "documents_requested"]


def backfill(apps, schema_editor):
    """Copy each account's status and its shown confirmation's method and centre onto the applicant."""
    Applicant = apps.get_model("accounts", "Applicant")
    Account = apps.get_model("accounts", "Account")
    IdentityConfirmation = apps.get_model("identity", "IdentityConfirmation")
    shown = (
        IdentityConfirmation.objects.filter(account=OuterRef("account_id"))
        .annotate(
            closed=Case(When(state__in=OPEN_STATES, then=Value(0)), default=Value(1), output_field=IntegerField())
        )
        .order_by("closed", "-started_at", "-pk")
    )
    Applicant.objects.update(
        queue_status=Subquery(Account.objects.filter(pk=OuterRef("account_id")).values("status")[:1]),
        queue_method=Coalesce(Subquery(shown.values("method")[:1]), Value("")),
        queue_centre=Subquery(shown.values("centre_id")[:1]),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_clerk_service_centre"),
        ("identity", "0003_one_open_document_request"),
    ]

    operations = [
        migrations.AddField(
            model_name="applicant",
            name="queue_centre",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="identity.servicecentre",
                verbose_name="service centre",
            ),
        ),
        migrations.AddField(
            model_name="applicant",
            name="queue_method",
            field=models.CharField(blank=True, editable=False, max_length=32, verbose_name="method"),
        ),
        migrations.AddField(
            model_name="applicant",
            name="queue_status",
            field=models.CharField(default="pending", editable=False, max_length=16, verbose_name="status"),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="applicant",
            index=models.Index(fields=["queue_status", "submitted_at", "id"], name="applicant_queue"),
        ),
        migrations.AddIndex(
            model_name="applicant",
            index=models.Index(
                fields=["queue_status", "queue_method", "submitted_at", "id"], name="applicant_queue_method"
            ),
        ),
        migrations.AddIndex(
            model_name="applicant",
            index=models.Index(
                fields=["queue_status", "queue_centre", "submitted_at", "id"], name="applicant_queue_centre"
            ),
        ),
        migrations.AddIndex(
            model_name="applicant",
            index=models.Index(
                fields=["queue_status", "queue_centre", "queue_method", "submitted_at", "id"],
                name="applicant_queue_centre_method",
            ),
        ),
        migrations.AddIndex(
            model_name="applicant",
            index=models.Index(fields=["queue_method", "submitted_at", "id"], name="applicant_method"),
        ),
        migrations.AddIndex(
            model_name="applicant",
            index=models.Index(fields=["queue_centre", "submitted_at", "id"], name="applicant_centre"),
        ),
        migrations.AddIndex(
            model_name="applicant",
            index=models.Index(fields=["queue_status", "surname", "id"], name="applicant_queue_surname"),
        ),
        migrations.AddIndex(
            model_name="applicant",
            index=models.Index(fields=["surname", "id"], name="applicant_surname"),
        ),
    ]
