# The production image: gunicorn serves the app, WhiteNoise the static files.
# The build steps and the process commands are scripts/build.sh and scripts/run.sh, which
# the smoke test (tests/production) runs too: what is tested is what is deployed.
FROM python:3.11-slim-bookworm

# STATICFILES_BACKEND is set once for build and run time: collectstatic must write the
# manifest that the running app reads.
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    STATICFILES_BACKEND=whitenoise.storage.CompressedManifestStaticFilesStorage \
    STATIC_ROOT=/app/staticfiles
# Pango for WeasyPrint's PDF reports.
# DL3008 (pin apt versions): Debian replaces these exact versions with every security
# update, so pins would break the build; the base image's tag fixes the Debian release.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
# The packages first, in their own layer: a code change does not reinstall them.
COPY pyproject.toml ./
COPY scripts/build.sh scripts/
RUN scripts/build.sh install
COPY . .
RUN scripts/build.sh assets

# A numeric user: orchestrators that insist on a non-root user can check it.
RUN groupadd --system --gid 1000 app \
    && useradd --system --uid 1000 --gid 1000 app \
    && mkdir -p /app/media && chown app:app /app/media
USER 1000:1000
EXPOSE 8000
# Compose runs the other shapes with the same script: worker, beat, migrate.
CMD ["scripts/run.sh", "web"]
