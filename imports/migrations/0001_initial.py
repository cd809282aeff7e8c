"""The import's models, moved here from trainings (trainings 0010): state only.

The tables keep their names (db_table), so no row moves. The content types move with
them, so the permissions of the roles and the admin's log keep pointing at them.
"""

import django.db.models.deletion
import imports.models
from django.conf import settings
from django.db import migrations, models

MODELS = ["importprofile", "importbatch", "importrow"]


def move_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="trainings", model__in=MODELS).update(
        app_label="imports"
    )


def move_content_types_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="imports", model__in=MODELS).update(
        app_label="trainings"
    )


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('departments', '0006_move_particles_out_of_last_names'),
        ('trainings', '0010_imports_move_to_their_own_app'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ImportProfile',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=100, verbose_name='name')),
                        ('mapping', models.JSONField(blank=True, default=dict, verbose_name='column mapping')),
                        ('signature', models.CharField(blank=True, db_default='', default='', max_length=64, verbose_name='header signature')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='created by')),
                        ('supplier', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='import_profiles', to='trainings.supplier', verbose_name='supplier')),
                    ],
                    options={
                        'verbose_name': 'import profile',
                        'verbose_name_plural': 'import profiles',
                        'db_table': 'trainings_importprofile',
                        'ordering': ['supplier', 'name'],
                    },
                ),
                migrations.CreateModel(
                    name='ImportBatch',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('file', models.FileField(max_length=200, upload_to=imports.models._import_upload_path, verbose_name='file')),
                        ('file_name', models.CharField(max_length=255, verbose_name='file name')),
                        ('file_size', models.PositiveBigIntegerField(default=0, verbose_name='file size')),
                        ('sha256', models.CharField(db_index=True, max_length=64, verbose_name='SHA-256')),
                        ('sheet', models.CharField(blank=True, max_length=100, verbose_name='sheet')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='uploaded at')),
                        ('applied_at', models.DateTimeField(blank=True, null=True, verbose_name='applied at')),
                        ('apply_started_at', models.DateTimeField(blank=True, null=True, verbose_name='applying started at')),
                        ('preview_started_at', models.DateTimeField(blank=True, null=True, verbose_name='preview started at')),
                        ('status', models.CharField(choices=[('uploaded', 'Uploaded'), ('previewing', 'Being previewed'), ('previewed', 'Previewed'), ('queued', 'Waiting to be applied'), ('applying', 'Being applied'), ('applied', 'Applied'), ('rejected', 'Rejected'), ('failed', 'Failed')], default='uploaded', max_length=10, verbose_name='status')),
                        ('hold_invalid', models.BooleanField(default=False, help_text='Apply the valid rows and keep the others in the review queue.', verbose_name='hold invalid rows for review')),
                        ('score_scale', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='score scale')),
                        ('counts', models.JSONField(blank=True, default=dict, verbose_name='counts')),
                        ('problems', models.JSONField(blank=True, default=list, verbose_name='problems')),
                        ('skipped_rows', models.JSONField(blank=True, db_default=models.Value([], models.JSONField()), default=list, verbose_name='skipped rows')),
                        ('column_guesses', models.JSONField(blank=True, db_default=models.Value({}, models.JSONField()), default=dict, verbose_name='column guesses')),
                        ('rows_done', models.PositiveIntegerField(default=0, verbose_name='rows processed')),
                        ('error', models.TextField(blank=True, verbose_name='error')),
                        ('department', models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='departments.department', verbose_name='ministry for the whole file')),
                        ('duplicate_of', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='imports.importbatch', verbose_name='same file as')),
                        ('supplier', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='imports', to='trainings.supplier', verbose_name='supplier')),
                        ('uploaded_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='uploaded by')),
                        ('profile', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='imports', to='imports.importprofile', verbose_name='import profile')),
                    ],
                    options={
                        'verbose_name': 'attendance import',
                        'verbose_name_plural': 'attendance imports',
                        'db_table': 'trainings_importbatch',
                        'ordering': ['-created_at'],
                    },
                ),
                migrations.CreateModel(
                    name='ImportRow',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('row_number', models.PositiveIntegerField(verbose_name='row')),
                        ('outcome', models.CharField(choices=[('new', 'New'), ('updated', 'Updated'), ('unchanged', 'Unchanged'), ('review', 'Held for review'), ('rejected', 'Rejected')], max_length=10, verbose_name='outcome')),
                        ('raw', models.JSONField(blank=True, default=dict, verbose_name='cells')),
                        ('data', models.JSONField(blank=True, default=dict, verbose_name='values')),
                        ('problems', models.JSONField(blank=True, default=list, verbose_name='problems')),
                        ('resolution', models.CharField(blank=True, choices=[('matched', 'Matched to a person'), ('corrected', 'Corrected'), ('discarded', 'Discarded')], max_length=10, verbose_name='resolution')),
                        ('resolved_at', models.DateTimeField(blank=True, null=True, verbose_name='resolved at')),
                        ('batch', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='rows', to='imports.importbatch', verbose_name='import')),
                        ('completion', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='import_rows', to='trainings.trainingcompletion', verbose_name='completion')),
                        ('person', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='departments.person', verbose_name='person')),
                        ('resolved_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='resolved by')),
                    ],
                    options={
                        'verbose_name': 'imported row',
                        'verbose_name_plural': 'imported rows',
                        'db_table': 'trainings_importrow',
                        'ordering': ['batch', 'row_number'],
                    },
                ),
                migrations.AddConstraint(
                    model_name='importprofile',
                    constraint=models.UniqueConstraint(fields=('supplier', 'name'), name='import_profile_unique_name'),
                ),
                migrations.AddIndex(
                    model_name='importbatch',
                    index=models.Index(fields=['supplier', 'sha256'], name='trainings_i_supplie_e465fd_idx'),
                ),
                migrations.AddIndex(
                    model_name='importrow',
                    index=models.Index(fields=['outcome', 'resolution'], name='trainings_i_outcome_dde77c_idx'),
                ),
                migrations.AddConstraint(
                    model_name='importrow',
                    constraint=models.UniqueConstraint(fields=('batch', 'row_number'), name='import_row_unique'),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
