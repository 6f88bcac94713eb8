# Cohort in a slim image: dependencies first (cached), then the package, installed from the
# source as a wheel would be (the built-in content pack is package data); runs as a non-root user.
FROM python:3.11-slim

# The image's defaults: the database and organizers' packs live in the /data volume, and Slack's
# HTTP mode and /healthz listen beyond the container. `.env.example` leaves these keys commented
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
CMD ["cohort", "run"]
