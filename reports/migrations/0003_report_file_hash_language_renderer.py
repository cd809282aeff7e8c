# A report file records the hash of the figures it shows, its language and its
# renderer's version, so a new language or a better layout adds files to a snapshot
# instead of a new version of the figures. Existing files keep their content: they are
# Dutch (reports were always frozen in Dutch) and made by renderer version 1.

from typing import Any

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def record_the_figures_hash(apps: Any, schema_editor: Any) -> None:
    ReportFile = apps.get_model("reports", "ReportFile")  # noqa: N806 (named as the linter expects)
    ReportSnapshot = apps.get_model("reports", "ReportSnapshot")  # noqa: N806
    snapshot_hash = ReportSnapshot.objects.filter(pk=OuterRef("snapshot_id")).values(
        "content_hash"
    )[:1]
    ReportFile.objects.update(content_hash=Subquery(snapshot_hash))


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0002_one_active_job_per_quarter"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="reportfile",
            options={
                "ordering": ["snapshot", "format", "language", "-renderer_version"],
                "verbose_name": "report file",
                "verbose_name_plural": "report files",
            },
        ),
        migrations.AddField(
            model_name="reportfile",
            name="content_hash",
            field=models.CharField(
                default="", max_length=64, verbose_name="hash of the figures"
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="reportfile",
            name="language",
            field=models.CharField(default="nl", max_length=8, verbose_name="language"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="reportfile",
            name="renderer_version",
            field=models.PositiveSmallIntegerField(default=1, verbose_name="renderer version"),
            preserve_default=False,
        ),
        migrations.RunPython(record_the_figures_hash, migrations.RunPython.noop),
        migrations.RemoveConstraint(
            model_name="reportfile",
            name="report_file_per_format",
        ),
        migrations.AddConstraint(
            model_name="reportfile",
            constraint=models.UniqueConstraint(
                fields=("snapshot", "format", "language", "renderer_version"),
                name="report_file_per_format_language_renderer",
            ),
        ),
    ]
