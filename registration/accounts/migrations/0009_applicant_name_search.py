"""Trigram indexes for the clerks' name search (``icontains`` on the Latin and Cyrillic names), on PostgreSQL.

Django's ``icontains`` compares ``UPPER(column::text)``, so the indexes are on that expression. Other
databases (SQLite for development) search the table as before.
"""

from django.db import migrations

COLUMNS = ["surname", "given_names", "surname_cyrillic", "given_names_cyrillic"]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS applicant_{column}_trgm ON accounts_applicant "
            f"USING gin ((UPPER({column}::text)) gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS applicant_{column}_trgm")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0008_audit_list_indexes")]

    operations = [migrations.RunPython(create, drop)]
