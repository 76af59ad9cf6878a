# Both branches added a code purpose.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('codes', '0002_mobile_id_codes'),
        ('codes', '0002_resume_code_purpose'),
    ]

    operations = [
    ]
