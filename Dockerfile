# Build: the same jar `mvn package` makes.
FROM maven:3.9-eclipse-temurin-25 AS build
WORKDIR /build
COPY pom.xml .
RUN mvn -B -q dependency:go-offline
COPY src src
RUN mvn -B -q package -DskipTests -Dazurite.install.skip=true && cp target/lead-connector-*.jar /build/app.jar

# Run: a JRE, a non-root user, and the working directory holding routes/ and application.yaml
# (both can be replaced by mounts: -v ./routes:/app/routes -v ./application.yaml:/app/application.yaml).
FROM eclipse-temurin:25-jre
# curl for the HEALTHCHECK: recent JRE base images no longer ship it
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 leads && useradd --system --uid 10001 --gid 10001 --home-dir /app leads \
 && mkdir -p /app/data && chown 10001:10001 /app/data
WORKDIR /app
COPY --from=build /build/app.jar app.jar
COPY routes routes
COPY application.yaml application-azure.yaml jvm.options ./
# The JVM settings (jvm.options: heap, GC), the same for mvn spring-boot:run and bench/run.sh; an
# out-of-memory error ends the process (the orchestrator restarts it) instead of leaving it half alive.
ENV JAVA_TOOL_OPTIONS="-XX:+ExitOnOutOfMemoryError"
# Java 25's AOT cache (JEP 483, 514, 515; Spring Boot's "CDS" support, one step further): the jar
# extracted (jar/app.jar and jar/lib/), then a training run that starts the connector on a throw-away
# data folder, Camel's routes and consumers included, and stops it two seconds after
# (camel.main.duration-max-seconds), writing to jar/app.aot the classes it loaded and linked and the
# methods' profiles; every start maps them instead of loading, verifying and linking them again.
# (Spring's -Dspring.context.exit=onRefresh stops before Camel starts: half the classes loaded by
# readiness would be missing.) The cache holds only for this JDK build and this jar/ layout.
RUN java -Djarmode=tools -jar app.jar extract --destination jar && rm app.jar \
 && training=$(mktemp -d) \
 && java @jvm.options -XX:AOTCacheOutput=jar/app.aot -jar jar/app.jar --camel.main.duration-max-seconds=2 \
      --leads.data-dir="$training" --server.port=0 --management.server.port=0 --leads.routes.reload=false \
 && rm -rf "$training"
# Numeric (the user leads, group leads): Kubernetes checks runAsNonRoot only against a number, and
# deploy/kubernetes.yaml's runAsUser/runAsGroup/fsGroup are these. At run time the process writes
# only data/ (a volume) and /tmp (hsperfdata, Tomcat's work folders): the root may be read-only.
USER 10001:10001
VOLUME /app/data
# 8080: leads (the marketplace posts here). 8081: management (health, Prometheus, Hawtio, Jolokia),
# keep it on a private network.
EXPOSE 8080 8081
# A running container is not a development machine: routes change by a new mount and a restart.
ENV LEADS_ROUTES_RELOAD=false
# Both ports on every interface (application.yaml binds loopback for a first run on a laptop).
ENV SERVER_ADDRESS=0.0.0.0 MANAGEMENT_SERVER_ADDRESS=0.0.0.0
# Readiness is open (no login) on the management port: routes started, inbox and dedup store reachable.
HEALTHCHECK --interval=15s --timeout=3s --start-period=60s --retries=3 \
  CMD curl -fsS http://127.0.0.1:8081/actuator/health/readiness || exit 1
ENTRYPOINT ["java", "@/app/jvm.options", "-XX:AOTCache=/app/jar/app.aot", "-jar", "/app/jar/app.jar"]
