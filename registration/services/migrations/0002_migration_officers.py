"""The migration officers' role: the queue of applications for services and the decisions, nothing else.

Frozen here (not imported from the app) so that this migration does the same thing whenever it runs.
"""

from django.db import migrations

ROLE = "Migration officers"
PERMISSIONS = [("services", "view_serviceapplication"), ("services", "decide_serviceapplication")]


def create_role(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after the whole migrate run; the group needs them now.
    for app_config in apps.get_app_configs():
        original, app_config.models_module = getattr(app_config, "models_module", None), True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = original
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=ROLE)
    permissions = [
        Permission.objects.filter(content_type__app_label=label, codename=codename).first()
        for label, codename in PERMISSIONS
    ]
    if None in permissions:
        raise RuntimeError(f"Permissions missing for {ROLE}: {PERMISSIONS}")
    group.permissions.set(permissions)


def remove_role(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=ROLE).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("services", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_role, remove_role)]
