"""Departments keep their history, so that a report reads the enforcement mode in force
during its quarter (see 0008: the current mode is seeded as valid since the beginning)."""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('departments', '0006_move_particles_out_of_last_names'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='HistoricalDepartment',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('code', models.CharField(db_index=True, max_length=10, verbose_name='code')),
                ('name_nl', models.CharField(max_length=200, verbose_name='name (Dutch)')),
                ('name_en', models.CharField(max_length=200, verbose_name='name (English)')),
                ('in_tender', models.BooleanField(default=False, help_text='Departments outside the tender organise and report their own training.', verbose_name='takes part in the central tender')),
                ('enforcement_mode', models.CharField(choices=[('advisory', 'Advisory: show a warning'), ('justify', 'Justify: a written reason is needed to confirm'), ('strict', 'Strict: cannot be confirmed until trained')], default='advisory', max_length=10, verbose_name='enforcement mode')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'historical department',
                'verbose_name_plural': 'historical departments',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
    ]
