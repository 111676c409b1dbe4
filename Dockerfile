# syntax=docker/dockerfile:1.4
# biosense image: build and test on Debian bookworm, then a slim runtime with
# the binary, the model weights and the shipped calibration, run as a
# non-root user. NOT BUILT on the development machines (no Docker engine
# there): see README "Docker" for what was and was not checked.
#
#   docker build --build-context testdata=../shared/datasets -t biometric-sense/bio1 .
#   docker run -d -e MODE=FaceStreaming -e BIOSENSE_DB_URL=mysql://... biometric-sense/bio1
#
# The test stage runs scripts/test.sh --fast (Release build, every ctest test
# against a MariaDB and a RabbitMQ started inside the stage). Its photos come
# from the named build context `testdata` (the datasets folder); without it
# the photo tests fail and so does the build. `--build-arg BIOSENSE_SKIP_TESTS=1`
# skips the tests (say so wherever that image goes).

# An empty default for the photos; `--build-context testdata=DIR` replaces it.
FROM scratch AS testdata

FROM debian:bookworm AS build
ENV DEBIAN_FRONTEND=noninteractive
WORKDIR /src
# Packages and model weights first: this layer changes only with the scripts.
COPY scripts/setup.sh scripts/fetch_models.sh scripts/
COPY models/SHA256SUMS models/
RUN apt-get update -q && apt-get install -y -q --no-install-recommends ca-certificates curl bzip2 \
 && bash scripts/setup.sh \
 && rm -rf /var/lib/apt/lists/*
COPY . .
# build/ is where scripts/test.sh builds, so the test stage reuses this build.
RUN cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DBIOSENSE_WERROR=ON \
 && cmake --build build -j"$(nproc)" \
 && BIOSENSE_MODELS_DIR=/root/.cache/biosense/models DESTDIR=/staging cmake --install build --prefix /usr

FROM build AS test
ARG BIOSENSE_SKIP_TESTS=0
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
RUN --mount=type=bind,from=testdata,target=/testdata \
    if [ "$BIOSENSE_SKIP_TESTS" = 1 ]; then echo "tests skipped (BIOSENSE_SKIP_TESTS=1)" > /tests.txt; \
    else BIOSENSE_TEST_DATA=/testdata bash scripts/test.sh --fast 2>&1 | tee /tests.log \
         && tail -n 1 /tests.log > /tests.txt; fi

FROM debian:bookworm-slim AS runtime
ENV DEBIAN_FRONTEND=noninteractive
# The shared libraries the binary links (tests/deploy/check_dockerfile.py
# checks this list against `ldd build/biosense`), and tini as PID 1.
RUN apt-get update -q && apt-get install -y -q --no-install-recommends \
      libdlib19.1 libfmt9 libgif7 libjpeg62-turbo libmariadb3 libopenblas0-pthread libpng16-16 \
      libsoci-core4.0 libsoci-mysql4.0 libsoci-sqlite3-4.0 libsqlite3-0 libssl3 librabbitmq4 \
      ca-certificates tini \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --user-group --home-dir /var/lib/biosense --create-home --shell /usr/sbin/nologin biosense
# Binary, models (checked against models/SHA256SUMS at install), calibration,
# example config and units, as `cmake --install` laid them out.
COPY --from=build /staging/usr/ /usr/
COPY --chmod=0755 scripts/docker-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
# The test stage's verdict: this line makes the runtime depend on the tests.
COPY --from=test /tests.txt /usr/share/biosense/tests.txt
WORKDIR /var/lib/biosense
USER biosense
ENV BIOSENSE_DB_URL=sqlite:/var/lib/biosense/biosense.db \
    BIOSENSE_DATA_DIR=/var/lib/biosense/Data \
    BIOSENSE_LOG_FORMAT=json \
    BIOSENSE_MODELS_DIR=/usr/share/biosense/models
# Healthy = the database answers and the schema is readable (exit 0).
HEALTHCHECK --interval=60s --timeout=20s --start-period=30s --retries=3 CMD ["biosense", "db", "status"]
ENTRYPOINT ["/usr/bin/tini", "--", "/usr/local/bin/docker-entrypoint.sh"]
