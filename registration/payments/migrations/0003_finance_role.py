"""The finance officers' role: they read the payments and may refund one, nothing else."""

from django.db import migrations

ROLE = "Finance officers"
PERMISSIONS = [("payments", "view_payment"), ("payments", "refund_payment")]


def create_role(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after the whole migrate run (post_migrate); the group needs them now.
    app_config = apps.get_app_config("payments")
    original, app_config.models_module = getattr(app_config, "models_module", None), True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = original
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=ROLE)
    group.permissions.set(
        [Permission.objects.get(content_type__app_label=label, codename=codename) for label, codename in PERMISSIONS]
    )


def remove_role(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=ROLE).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("payments", "0002_public_id_events_refunds"),
    ]

    operations = [migrations.RunPython(create_role, remove_role)]
