# The relay's image, from the Maven build: run `mvn -q package -DskipTests` first, then
#   docker build -t customer-relay .
# The relay reads config/application.properties from its working directory; every key can be overridden by an
# environment variable (RELAY_VENDORS_RPM_API_KEY, CAMEL_SERVER_PORT, ...). State, inbox and dead letters are under
# data/, a volume. DeployFilesTest checks this file against the build and the settings.
FROM eclipse-temurin:17-jre
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 relay \
    && useradd --system --uid 10001 --gid relay --home-dir /opt/customer-relay relay
WORKDIR /opt/customer-relay
COPY target/customer-relay.jar ./customer-relay.jar
COPY target/lib/ ./lib/
COPY config/ ./config/
COPY routes/ ./routes/
RUN mkdir -p data && chown relay:relay data
VOLUME /opt/customer-relay/data
# in a container the API, the management port and the embedded broker listen on every interface
ENV CAMEL_SERVER_HOST=0.0.0.0 \
    CAMEL_MANAGEMENT_HOST=0.0.0.0 \
    RELAY_BROKER_EMBEDDED_URL=tcp://0.0.0.0:61616
# the HTTP API, the management port (health, metrics), the embedded broker
EXPOSE 8080 9876 61616
USER 10001
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s \
    CMD curl -fsS http://127.0.0.1:9876/observe/health/live || exit 1
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "customer-relay.jar"]
