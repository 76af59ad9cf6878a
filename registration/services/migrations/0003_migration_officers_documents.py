"""The migration officers also see the documents their desk issues and revoke one (a notice issued in error).

Frozen here (not imported from the app) so that this migration does the same thing whenever it runs.
"""

from django.db import migrations

ROLE = "Migration officers"
PERMISSIONS = [("documents", "view_issueddocument"), ("documents", "revoke_document")]


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after the whole migrate run; the group needs them now.
    for app_config in apps.get_app_configs():
        original, app_config.models_module = getattr(app_config, "models_module", None), True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = original
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=ROLE)
    for label, codename in PERMISSIONS:
        permission = Permission.objects.filter(content_type__app_label=label, codename=codename).first()
        if permission is None:
            raise RuntimeError(f"Permission missing for {ROLE}: {label}.{codename}")
        group.permissions.add(permission)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name=ROLE):
        for label, codename in PERMISSIONS:
            group.permissions.remove(*Permission.objects.filter(content_type__app_label=label, codename=codename))


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0002_revoke_permission_list_index"),
        ("services", "0002_migration_officers"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
