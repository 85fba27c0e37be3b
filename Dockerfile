# The registry's API, for the production shape in docker-compose.yml (MongoDB comes from MONGODB_URI).
FROM node:20-bookworm-slim AS assets
WORKDIR /src
COPY scripts/fetch-graphiql.sh scripts/fetch-elkjs.sh scripts/
RUN apt-get update -qq && apt-get install -y -qq python3 >/dev/null && bash scripts/fetch-graphiql.sh \
    && bash scripts/fetch-elkjs.sh

FROM python:3.12-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 REGISTRY_ASSETS_DIR=/app/.assets/graphiql \
    UV_PROJECT_ENVIRONMENT=/opt/venv UV_PYTHON_DOWNLOADS=never UV_NO_CACHE=1 PATH=/opt/venv/bin:$PATH
WORKDIR /app
# Exactly the versions in uv.lock (the same uv version as scripts/setup.sh); --locked fails on a stale lock.
# Graphviz's dot lays out the static data map (.svg).
RUN pip install --no-cache-dir uv==0.13.9 \
    && apt-get update -qq && apt-get install -y -qq --no-install-recommends graphviz >/dev/null \
    && rm -rf /var/lib/apt/lists/*
COPY pyproject.toml uv.lock README.md ./
RUN uv sync --locked --no-install-project --python /usr/local/bin/python3
COPY registry ./registry
RUN uv sync --locked --no-editable --python /usr/local/bin/python3
COPY seed ./seed
COPY --from=assets /src/.assets ./.assets
ENV REGISTRY_SEED_DIR=/app/seed
RUN useradd --system registry
USER registry
EXPOSE 8000
# Seed (idempotent) then serve; binding to all interfaces is right inside a container network only.
CMD ["sh", "-c", "registry seed && registry serve --host 0.0.0.0 --port 8000"]
