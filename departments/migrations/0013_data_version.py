"""A number per department that moves with its data (departments.models.DataVersion).

No rows yet: a missing row reads as 0, and the first change makes it.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('departments', '0012_person_name_order_keys'),
    ]

    operations = [
        migrations.CreateModel(
            name='DataVersion',
            fields=[
                ('department', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='data_version', serialize=False, to='departments.department', verbose_name='department')),
                ('version', models.BigIntegerField(default=0)),
            ],
        ),
    ]
