# VideoPlanet production image: production settings, static files collected at build.

# The reviewer web app, built from its sources and the committed contracts (Node 20, as
# `make web`); only web/dist goes on into the image, which serves it at /.
FROM node:20-slim AS web
WORKDIR /src
COPY web/package.json web/package-lock.json ./web/
RUN cd web && npm ci --no-audit --no-fund
COPY contracts ./contracts
COPY web ./web
RUN cd web && npm run build

FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=config.settings.production \
    MEDIA_ROOT=/data/media \
    STATIC_ROOT=/app/static \
    PROMETHEUS_MULTIPROC_DIR=/tmp/prometheus

WORKDIR /app
COPY clients/python ./clients/python
COPY pyproject.toml README.md ./
COPY config ./config
COPY videoplanet ./videoplanet
COPY manage.py ./
COPY --from=web /src/web/dist ./web/dist
RUN pip install --no-cache-dir ./clients/python . \
    && SECRET_KEY=build-only ALLOWED_HOSTS=localhost python manage.py collectstatic --noinput \
    && useradd --create-home --uid 1000 videoplanet \
    && mkdir -p /data/media && chown -R videoplanet /data

USER videoplanet
EXPOSE 8000
# REST and WebSocket from one ASGI server; see the README for splitting REST onto
# gunicorn sync workers when throughput matters.
# /metrics sums the workers' request counters from PROMETHEUS_MULTIPROC_DIR, emptied first.
CMD ["sh", "-c", "rm -rf \"$PROMETHEUS_MULTIPROC_DIR\" && mkdir -p \"$PROMETHEUS_MULTIPROC_DIR\" && python manage.py migrate --noinput && uvicorn config.asgi:application --host 0.0.0.0 --port 8000 --workers ${WEB_CONCURRENCY:-2} --proxy-headers --ws-max-size 65536"]
