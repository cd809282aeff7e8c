# Report snapshots really frozen: on PostgreSQL, triggers refuse UPDATE and DELETE of a
# snapshot's figures and hash and of its files, whatever code asks (QuerySet.update(),
# .delete(), raw SQL), except in a transaction that the retention service unlocked with
# set_config('training_monitor.retention', 'on', true) (reports/frozen.py). They also
# refuse a file whose figures' hash is not its snapshot's. Changing who requested a
# snapshot stays possible: deleting a user account sets it to NULL.
#
# PostgreSQL only: SQLite (the demo) keeps the check in save(). The SQL is written out
# here, not imported, so this migration does the same whatever the code becomes.

from typing import Any

from django.db import migrations

FORWARD = """
CREATE FUNCTION reports_snapshot_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('training_monitor.retention', true) = 'on' THEN
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    END IF;
    IF TG_OP = 'UPDATE' AND (
        NEW.id, NEW.kind, NEW.quarter, NEW.version, NEW.content_hash, NEW.data,
        NEW.created_at, NEW.trigger, NEW.previous_id
    ) IS NOT DISTINCT FROM (
        OLD.id, OLD.kind, OLD.quarter, OLD.version, OLD.content_hash, OLD.data,
        OLD.created_at, OLD.trigger, OLD.previous_id
    ) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'report snapshot % is frozen: its figures, hash and files never change; compile a new version', OLD.id
        USING ERRCODE = 'restrict_violation';
END;
$$;

CREATE FUNCTION reports_file_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.content_hash IS DISTINCT FROM (
            SELECT content_hash FROM reports_reportsnapshot WHERE id = NEW.snapshot_id
        ) THEN
            RAISE EXCEPTION 'a report file must show the figures of its snapshot (hash %)', NEW.content_hash
                USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END IF;
    IF current_setting('training_monitor.retention', true) = 'on' THEN
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    END IF;
    RAISE EXCEPTION 'report file % is frozen: it never changes; compile a new version', OLD.id
        USING ERRCODE = 'restrict_violation';
END;
$$;

CREATE TRIGGER reports_snapshot_frozen
    BEFORE UPDATE OR DELETE ON reports_reportsnapshot
    FOR EACH ROW EXECUTE FUNCTION reports_snapshot_frozen();

CREATE TRIGGER reports_file_frozen
    BEFORE INSERT OR UPDATE OR DELETE ON reports_reportfile
    FOR EACH ROW EXECUTE FUNCTION reports_file_frozen();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS reports_file_frozen ON reports_reportfile;
DROP TRIGGER IF EXISTS reports_snapshot_frozen ON reports_reportsnapshot;
DROP FUNCTION IF EXISTS reports_file_frozen();
DROP FUNCTION IF EXISTS reports_snapshot_frozen();
"""


def _on_postgresql(sql: str) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            # Without parameters, so the driver leaves the "%" of RAISE alone.
            with schema_editor.connection.cursor() as cursor:
                cursor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0003_report_file_hash_language_renderer"),
    ]

    operations = [
        migrations.RunPython(_on_postgresql(FORWARD), _on_postgresql(BACKWARD)),
    ]
