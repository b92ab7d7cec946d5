# syntax=docker/dockerfile:1
#
# inspectnet service image.
#   docker build -t inspectnet:0.1.0 .
#   inspectnet keys init --dir keys      # once, offline: the keyring (docs/deploy.md)
#   docker run --rm -p 8000:8000 -e INSPECTNET_DATABASE_URL=… -e INSPECTNET_JWT_SECRET=… \
#     -v "$PWD/keys:/etc/inspectnet/keys:ro" -e INSPECTNET_KEYS_DIR=/etc/inspectnet/keys inspectnet:0.1.0
# Outside development the server refuses to start without the keyring or with the default secret.
# The same image runs the migrations: `docker run … inspectnet:0.1.0 db upgrade`.
#
# Two stages: `build` installs the package and its dependencies into a virtualenv (wheels only,
# so no compiler is needed anywhere); the final stage copies just that virtualenv onto a clean
# slim base, with no pip cache, no build tools and no source tree, and runs as UID 10001.

ARG PYTHON_IMAGE=python:3.11-slim-bookworm

# --- build --------------------------------------------------------------------------------------
FROM ${PYTHON_IMAGE} AS build

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore \
    PYTHONDONTWRITEBYTECODE=1

RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH

WORKDIR /src

# Dependencies first, from pyproject.toml alone, so this layer is reused until they change.
# --only-binary: every dependency must come as a wheel, so the image never needs a compiler.
# The s3 extra (boto3) too, so the chart's evidence.backend=s3 works with the same image.
COPY pyproject.toml ./
RUN python -c "import tomllib; p = tomllib.load(open('pyproject.toml', 'rb'))['project']; print('\n'.join(p['dependencies'] + p['optional-dependencies']['s3']))" > /tmp/requirements.txt \
    && pip install --no-cache-dir --only-binary=:all: -r /tmp/requirements.txt

# Then the package itself (.dockerignore admits only what the image needs).
COPY . .
RUN pip install --no-cache-dir --no-deps .

# --- runtime ------------------------------------------------------------------------------------
FROM ${PYTHON_IMAGE} AS runtime

ARG UID=10001
ARG GID=10001

LABEL org.opencontainers.image.title="inspectnet" \
      org.opencontainers.image.description="Linked network of party inspection offices as one multi-tenant GraphQL service" \
      org.opencontainers.image.source="helm/inspectnet and docs/deploy.md in the inspectnet repository"

# An unprivileged account with a high UID (no clash with host users); no login shell, no home.
RUN groupadd --system --gid "${GID}" inspectnet \
    && useradd --system --uid "${UID}" --gid "${GID}" --no-create-home --home-dir /nonexistent \
       --shell /usr/sbin/nologin inspectnet

ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    INSPECTNET_DEVELOPMENT=false \
    INSPECTNET_POLICY_DIR=/app/policies \
    INSPECTNET_MIGRATIONS_DIR=/app/migrations

COPY --from=build /opt/venv /opt/venv

# The Alembic scripts and configuration and the default Casbin policy; read-only, owned by root.
# The package is installed into site-packages, so their repository-relative defaults do not
# apply: INSPECTNET_MIGRATIONS_DIR and INSPECTNET_POLICY_DIR (above) point here.
WORKDIR /app
COPY alembic.ini ./
COPY migrations ./migrations
COPY policies ./policies

USER ${UID}:${GID}

EXPOSE 8000

# Docker's own health check (Kubernetes uses the chart's probes instead): GET /healthz.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status == 200 else 1)"]

ENTRYPOINT ["inspectnet"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8000"]
