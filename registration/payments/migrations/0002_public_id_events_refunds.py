import uuid

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


def give_public_ids(apps, schema_editor):
    Payment = apps.get_model("payments", "Payment")
    for payment in Payment.objects.filter(public_id=None).only("pk"):
        Payment.objects.filter(pk=payment.pk).update(public_id=uuid.uuid4())


class Migration(migrations.Migration):
    dependencies = [("payments", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="payment",
            name="public_id",
            field=models.UUIDField(editable=False, null=True, verbose_name="public id"),
        ),
        migrations.RunPython(give_public_ids, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="payment",
            name="public_id",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True, verbose_name="public id"),
        ),
        migrations.AddField(
            model_name="payment",
            name="return_path",
            field=models.CharField(blank=True, max_length=200, verbose_name="return path"),
        ),
        migrations.AddField(
            model_name="payment",
            name="refunded_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="refunded"),
        ),
        migrations.AlterModelOptions(
            name="payment",
            options={
                "ordering": ["-created_at"],
                "permissions": [("refund_payment", "Can refund a payment")],
                "verbose_name": "payment",
                "verbose_name_plural": "payments",
            },
        ),
        migrations.AddIndex(
            model_name="payment",
            index=models.Index(fields=["status", "created_at"], name="payments_status_created"),
        ),
        migrations.CreateModel(
            name="PaymentEvent",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("event_id", models.CharField(max_length=64, unique=True, verbose_name="event id")),
                ("kind", models.CharField(max_length=32, verbose_name="event")),
                (
                    "received_at",
                    models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name="received"),
                ),
                (
                    "payment",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="events",
                        to="payments.payment",
                        verbose_name="payment",
                    ),
                ),
            ],
            options={
                "verbose_name": "payment notification",
                "verbose_name_plural": "payment notifications",
                "ordering": ["-received_at"],
            },
        ),
    ]
