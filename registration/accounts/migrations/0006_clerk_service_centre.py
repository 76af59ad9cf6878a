"""A clerk belongs to a service centre: their queue opens on its applications."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_document_role_translation"),
        ("identity", "0003_one_open_document_request"),
    ]

    operations = [
        migrations.AddField(
            model_name="account",
            name="service_centre",
            field=models.ForeignKey(
                blank=True,
                help_text="The clerks' queue opens on this centre's applications; search still finds everyone.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="clerks",
                to="identity.servicecentre",
                verbose_name="service centre of the clerk",
            ),
        ),
    ]
