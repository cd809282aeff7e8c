#!/bin/sh
# The build steps of the production image, also run by the smoke test (tests/production).
#
#   scripts/build.sh install          install the pinned runtime packages (pip install .)
#   scripts/build.sh assets [DIR]     compile the translations and collect the static files
#                                     into DIR (default: $STATIC_ROOT, else ./staticfiles)
#   scripts/build.sh [DIR]            both
#
# collectstatic uses the storage the running app uses (STATICFILES_BACKEND, which the
# Dockerfile sets once for build and run time), so the manifest the app reads is the one
# written here. python and pybabel come from PATH (the image's, or a virtualenv's).
set -eu
cd "$(dirname "$0")/.."

STATICFILES_BACKEND=${STATICFILES_BACKEND:-whitenoise.storage.CompressedManifestStaticFilesStorage}
export STATICFILES_BACKEND

install() {
    python -m pip install --no-cache-dir .
}

assets() {
    STATIC_ROOT=${1:-${STATIC_ROOT:-staticfiles}}
    export STATIC_ROOT
    for dir in locale */locale; do
        if [ -d "$dir" ]; then
            pybabel -q compile -d "$dir" -D django
            # The admin's scripts: only where there is a catalog for them (locale/).
            if [ -f "$dir/nl/LC_MESSAGES/djangojs.po" ]; then
                pybabel -q compile -d "$dir" -D djangojs
            fi
        fi
    done
    # collectstatic reads no database and no secret; a throwaway key lets settings load.
    SECRET_KEY=${SECRET_KEY:-build-only} DEBUG=false \
        python manage.py collectstatic --noinput --clear --verbosity 0
}

case "${1:-}" in
    install) install ;;
    assets) assets "${2:-}" ;;
    *) install && assets "${1:-}" ;;
esac
