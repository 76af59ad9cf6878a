"""Accounts store the e-mail in its one normalised form; the lower()-based constraint goes.

``Account.email`` is unique and now always holds ``identifiers.normalise_email`` of the address (NFKC,
case folding, IDNA domain), so that unique index is the case-insensitive one, with Python's Unicode
rules on every database. Existing addresses are rewritten in that form first; two accounts that only
the new form tells apart stop the migration (an operator merges them by hand).
"""

from django.db import migrations


def normalise_emails(apps, schema_editor):
    from registration.accounts.identifiers import normalise_email

    Account = apps.get_model("accounts", "Account")
    seen: dict[str, int] = {}
    for pk, email in Account.objects.order_by("pk").values_list("pk", "email"):
        normal = normalise_email(email)
        if normal in seen:
            raise RuntimeError(f"Accounts {seen[normal]} and {pk} have the same e-mail once normalised.")
        seen[normal] = pk
        if normal != email:
            Account.objects.filter(pk=pk).update(email=normal)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(normalise_emails, migrations.RunPython.noop),
        migrations.RemoveConstraint(
            model_name="account",
            name="account_email_case_insensitive_unique",
        ),
    ]
