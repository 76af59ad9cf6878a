"""The clerks' roles, each with the least it needs.

Frozen here (not imported from the apps) so that this migration does the same thing whenever it runs;
change roles in a new migration. Each permission is named with the app that declares it.
"""

from django.db import migrations

SUPPORT_ACTIONS = [
    ("support", "add_supportrequest"),
    ("support", "verify_caller"),
    ("support", "lift_login_lockout"),
    ("support", "resend_contact_code"),
    ("support", "send_password_reset"),
    ("support", "add_support_note"),
]
ROLES = {
    "Service-centre clerks": [
        ("identity", "view_pendingapplication"),
        ("identity", "view_scan"),
        ("identity", "confirm_identity"),
        ("identity", "reject_identity"),
        ("identity", "request_documents"),
        ("identity", "block_account"),
        ("identity", "issue_identity_code"),
        ("identity", "view_servicecentre"),
        ("profile", "review_profile_change"),
    ],
    "Post operators": [("identity", "print_post_letters"), ("identity", "view_postletter")],
    "Video operators": [
        ("identity", "conduct_video_calls"),
        ("identity", "view_scan"),
        ("identity", "view_videoslot"),
        ("identity", "add_videoslot"),
        ("identity", "change_videoslot"),
        ("identity", "delete_videoslot"),
    ],
    "Consular officers": [("identity", "issue_consulate_code")],
    "Support operators": [("identity", "answer_support"), ("support", "view_supportrequest"), *SUPPORT_ACTIONS],
    "Support supervisors": [
        ("identity", "answer_support"),
        ("support", "view_supportrequest"),
        *SUPPORT_ACTIONS,
        ("support", "view_callerverificationalert"),
        ("support", "change_callerverificationalert"),
    ],
}


def create_roles(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after the whole migrate run (post_migrate); the groups need them
    # now, on a fresh database too.
    for app_config in apps.get_app_configs():
        original, app_config.models_module = getattr(app_config, "models_module", None), True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = original
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, wanted in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        permissions = [
            Permission.objects.filter(content_type__app_label=label, codename=codename).first()
            for label, codename in wanted
        ]
        missing = [pair for pair, permission in zip(wanted, permissions, strict=True) if permission is None]
        if missing:
            raise RuntimeError(f"Permissions missing for {name}: {missing}")
        group.permissions.set(permissions)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=list(ROLES)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("identity", "0001_initial"),
        ("profile", "0001_initial"),
        ("support", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
