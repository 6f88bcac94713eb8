# Cohort in a slim image: dependencies first (cached), then the source; runs as a non-root user.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    COHORT_DATABASE_URL=sqlite+aiosqlite:////data/cohort.db \
    COHORT_CONTENT_DIR=/app/content \
    COHORT_HTTP_HOST=0.0.0.0

WORKDIR /app
RUN useradd --create-home --uid 10001 cohort && mkdir /data && chown cohort /data

# Dependencies only: this layer is rebuilt when pyproject.toml changes, not on every edit.
COPY pyproject.toml README.md ./
RUN mkdir -p bot adapters && touch bot/__init__.py adapters/__init__.py \
    && pip install . && pip uninstall -y cohort-bot

COPY bot ./bot
COPY adapters ./adapters
COPY content ./content
RUN pip install --no-deps .

USER cohort
VOLUME ["/data"]
EXPOSE 3000
CMD ["cohort", "run"]
