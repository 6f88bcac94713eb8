# Cohort in a slim image: dependencies first (cached), then the package, installed from the
# source as a wheel would be (the built-in content pack is package data); runs as a non-root user.
FROM python:3.11-slim

# The image's defaults: the database and organizers' packs live in the /data volume, and the
# HTTP server (health, metrics, Slack's HTTP mode) listens beyond the container. `.env.example` leaves these keys commented
# out, so `docker run --env-file .env` keeps them unless you set them yourself.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    COHORT_DATABASE_URL=sqlite+aiosqlite:////data/cohort.db \
    COHORT_CONTENT_PACKS_DIR=/data/packs \
    COHORT_HTTP_HOST=0.0.0.0

WORKDIR /app
RUN useradd --create-home --uid 10001 cohort && mkdir /data && chown cohort /data

# Dependencies only: this layer is rebuilt when pyproject.toml changes, not on every edit.
COPY pyproject.toml setup.py README.md ./
RUN mkdir -p bot adapters content && touch bot/__init__.py adapters/__init__.py \
    && pip install . && pip uninstall -y cohort-bot

COPY bot ./bot
COPY adapters ./adapters
COPY content ./content
RUN pip install --no-deps . && rm -rf build ./*.egg-info

USER cohort
VOLUME ["/data"]
EXPOSE 3000
# Liveness: `cohort run` answers GET /healthz on COHORT_HTTP_PORT in every platform mode
# (readiness, for a load balancer, is /readyz). No curl in the slim image: Python asks.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + (os.environ.get('COHORT_HTTP_PORT') or '3000') + '/healthz', timeout=4)"]
CMD ["cohort", "run"]
