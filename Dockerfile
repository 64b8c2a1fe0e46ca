# syntax=docker/dockerfile:1
# mtcheck serve: the HTTP API, the LanguageTool-compatible /v2/check and the editor's page.
#
#   docker build -t mtcheck .
#   docker run --rm -p 8765:8765 -e MTCHECK_API_TOKEN="$(openssl rand -hex 24)" mtcheck
#
# A config (mtcheck.toml) mounted at /srv/mtcheck.toml applies to every request. See docs/ci.md.

# Build stage: wheels for mtcheck and its serve extra, so the final image needs no compiler
# and keeps no build tools or pip cache.
FROM python:3.12-slim AS build
WORKDIR /src
COPY pyproject.toml README.md LICENSE ./
COPY mtcheck ./mtcheck
COPY reference_pairs ./reference_pairs
COPY reports/schema ./reports/schema
RUN pip wheel --no-cache-dir --wheel-dir /wheels ".[serve]"

FROM python:3.12-slim
LABEL org.opencontainers.image.title="mtcheck" \
      org.opencontainers.image.description="Tell whether English news copy is machine translation: HTTP API and LanguageTool-compatible endpoint" \
      org.opencontainers.image.licenses="Apache-2.0"
# The wheels come from the build stage only (--no-index): nothing is fetched here, and the
# versions are the ones the build stage resolved, so there is nothing left to pin (DL3013).
# hadolint ignore=DL3013
RUN --mount=type=bind,from=build,source=/wheels,target=/wheels \
    pip install --no-cache-dir --no-index --find-links=/wheels "mtcheck[serve]" \
    && useradd --system --uid 10001 --home-dir /srv --shell /usr/sbin/nologin mtcheck
WORKDIR /srv
USER 10001
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
EXPOSE 8765
# /healthz answers 200 once the checker is built; the standard library alone asks it.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8765/healthz', timeout=4).status != 200)"]
ENTRYPOINT ["mtcheck"]
# 0.0.0.0 inside the container: the port is published by `docker run -p`. Set MTCHECK_API_TOKEN
# (and --cors-origin for CMS pages) before exposing it beyond this computer.
CMD ["serve", "--host", "0.0.0.0", "--port", "8765"]
