# syntax=docker/dockerfile:1
# The hashwatch images, built from this repository (docker-compose.yml builds both targets):
#   --target streams-app   `hashwatch run` against an external Kafka: topology, /metrics on 9336, the
#                          Alertmanager webhook on 9337
#   --target producers     `hashwatch run --role sources`: the sources (headers, prices), /metrics on 9336;
#                          compose's one-shot topic-init runs this image too, as `hashwatch topics`
# Both run io.hashwatch.launcher.Hashwatch; the command line picks the subcommand.
#
#   docker build -f docker/hashwatch.Dockerfile --target streams-app -t hashwatch/streams-app .
ARG MAVEN_IMAGE=maven:3.9.16-eclipse-temurin-17
ARG JRE_IMAGE=eclipse-temurin:17-jre-noble

# ---- build: the multi-module Maven build, tests skipped (they run in CI, not in image builds) ----------------
FROM ${MAVEN_IMAGE} AS build
WORKDIR /src
COPY pom.xml ./
COPY chain-model chain-model
COPY producers producers
COPY streams-app streams-app
COPY launcher launcher
# The launcher's jar and its runtime dependencies (the sibling modules' jars from this reactor) in one folder.
RUN --mount=type=cache,target=/root/.m2 \
    mvn -B -q -DskipTests package dependency:copy-dependencies -DincludeScope=runtime \
 && mkdir -p /out/lib \
 && cp launcher/target/dependency/*.jar /out/lib/ \
 && cp $(ls launcher/target/hashwatch-launcher-*.jar | grep -v -e '-tests.jar' -e '-sources.jar') /out/lib/

# ---- runtime: a JRE, the jars, an unprivileged user ---------------------------------------------------------
FROM ${JRE_IMAGE} AS runtime
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --user-group --home-dir /var/lib/hashwatch --create-home hashwatch
COPY --from=build /out/lib /opt/hashwatch/lib
WORKDIR /var/lib/hashwatch
USER hashwatch
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"
ENTRYPOINT ["java", "-cp", "/opt/hashwatch/lib/*", "io.hashwatch.launcher.Hashwatch"]

FROM runtime AS streams-app
EXPOSE 9336 9337
VOLUME ["/var/lib/hashwatch"]
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=4 \
    CMD curl -fsS -o /dev/null http://127.0.0.1:9336/metrics || exit 1
CMD ["run", "--role", "streams", "--bootstrap-servers", "kafka:9092", "--metrics-address", "0.0.0.0", "--data-dir", "/var/lib/hashwatch"]

FROM runtime AS producers
EXPOSE 9336
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=4 \
    CMD curl -fsS -o /dev/null http://127.0.0.1:9336/metrics || exit 1
CMD ["run", "--role", "sources", "--bootstrap-servers", "kafka:9092", "--metrics-address", "0.0.0.0"]
