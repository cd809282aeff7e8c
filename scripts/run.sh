#!/bin/sh
# The process commands of every production shape: the Dockerfile's CMD, each compose
# service and the smoke test (tests/production) all run these, so what is tested is what
# is deployed. Settings come from the environment (README, "Running in production").
#
#   scripts/run.sh web       gunicorn on $WEB_BIND (0.0.0.0:8000), $WEB_WORKERS sync workers
#                            (3 per CPU core; docs/scaling.md), $WEB_TIMEOUT (30) s; access
#                            log without query strings
#   scripts/run.sh worker    a Celery worker for $CELERY_WORKER_QUEUES (comma-separated;
#                            default all: imports,reports,notifications) with
#                            $CELERY_WORKER_CONCURRENCY (2) processes, named
#                            $CELERY_WORKER_NAME (celery@<host name>; give each worker on
#                            one machine its own, e.g. imports@%h)
#   scripts/run.sh beat      Celery beat with the schedule in the database (admin:
#                            Periodieke taken); touches $BEAT_HEARTBEAT_FILE on every tick
#   scripts/run.sh migrate   apply the database migrations, rebuild the stored figures
set -eu
cd "$(dirname "$0")/.."

case "${1:-}" in
    web)
        # The access log drops query strings: searches for people must not end up in it.
        # Its lines start with the time (the project's log format, training_monitor/
        # access_log.py), so the format leaves out gunicorn's own %(t)s.
        # No control socket: gunicorn would put it in $HOME/.gunicorn, which the image's
        # system user cannot create; nobody runs gunicornc in a container.
        # Sync workers, 3 per core: a worker waits while PostgreSQL answers; measured
        # against 2 and 4 per core and gthread in docs/scaling.md ("Workers per core").
        # nproc counts the CPUs the process may run on, not a container's CPU quota: with
        # `--cpus` set WEB_WORKERS.
        exec gunicorn training_monitor.wsgi \
            --bind "${WEB_BIND:-0.0.0.0:8000}" \
            --workers "${WEB_WORKERS:-$((3 * $(nproc)))}" \
            --timeout "${WEB_TIMEOUT:-30}" \
            --access-logfile - \
            --access-logformat '%(h)s %(l)s %(u)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s"' \
            --logger-class training_monitor.access_log.QuerylessAccessLogger \
            --no-control-socket
        ;;
    worker)
        # --quiet: no start-up banner; every line of the log is a log record, with its time.
        exec celery --quiet -A training_monitor worker \
            --loglevel "${LOG_LEVEL:-INFO}" \
            --queues "${CELERY_WORKER_QUEUES:-imports,reports,notifications}" \
            --concurrency "${CELERY_WORKER_CONCURRENCY:-2}" \
            --hostname "${CELERY_WORKER_NAME:-celery@%h}"
        ;;
    beat)
        # At most a minute between ticks, so the heartbeat file (see the beat healthcheck)
        # is never older than that while beat runs.
        exec celery --quiet -A training_monitor beat \
            --loglevel "${LOG_LEVEL:-INFO}" \
            --scheduler training_monitor.beat.HeartbeatDatabaseScheduler \
            --max-interval 60
        ;;
    migrate)
        python manage.py migrate --noinput
        # The stored quarterly figures, recomputed in case this release counts differently
        # (idempotent; the pages read them).
        exec python manage.py rebuild_figures
        ;;
    *)
        echo "usage: scripts/run.sh web|worker|beat|migrate" >&2
        exit 2
        ;;
esac
