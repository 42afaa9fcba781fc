# kiegram in a container: `docker compose up` (compose.yaml) runs it with PostgreSQL and Redis.
ARG PYTHON_VERSION=3.11

# Build stage: the kiegram wheel and the wheels of its dependencies.
FROM python:${PYTHON_VERSION}-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY src ./src
RUN pip wheel --no-cache-dir --wheel-dir /wheels .

# Run stage: only the installed wheels, a non-root user, the data volume.
FROM python:${PYTHON_VERSION}-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DATA_DIR=/data \
    HTTP_HOST=0.0.0.0 \
    HTTP_PORT=8080 \
    LOG_FORMAT=json
RUN groupadd --system --gid 10001 kiegram \
    && useradd --system --uid 10001 --gid kiegram --home-dir /data --shell /usr/sbin/nologin kiegram \
    && mkdir /data \
    && chown kiegram:kiegram /data
# The wheel folder holds exactly the versions the build stage resolved: nothing to pin here.
# hadolint ignore=DL3013
RUN --mount=type=bind,from=build,source=/wheels,target=/wheels \
    pip install --no-cache-dir --no-index --find-links=/wheels kiegram
USER 10001:10001
WORKDIR /data
VOLUME ["/data"]
EXPOSE 8080
# /healthz answers 200 while the process answers; the port is the one HTTP_PORT says.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('HTTP_PORT', '8080'), timeout=4)"]
ENTRYPOINT ["kiegram"]
CMD ["run"]
