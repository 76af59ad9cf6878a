"""The audit log's filters, each with the log's ordering, and the staff its "by" filter lists."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0007_applicant_queue_columns"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="account",
            index=models.Index(condition=models.Q(("is_staff", True)), fields=["email"], name="account_staff"),
        ),
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(fields=["action", "at", "id"], name="audit_action_at"),
        ),
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(fields=["actor", "at", "id"], name="audit_actor_at"),
        ),
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(fields=["to_status", "at", "id"], name="audit_to_status_at"),
        ),
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(fields=["at", "id"], name="audit_at_id"),
        ),
    ]
