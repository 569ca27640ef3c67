# syntax=docker/dockerfile:1
# Build: docker build -t mlgateway:1.0.0 .   Run: docker run -p 8080:8080 -p 9090:9090 mlgateway:1.0.0
# Both architectures: docker buildx build --platform linux/amd64,linux/arm64 -t mlgateway:1.0.0 .
# (the tag is the release version, Directory.Build.props)
# The SDK stage runs on the builder's own platform: an arm64 image is cross-compiled, never built under emulation.
FROM --platform=$BUILDPLATFORM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# Set by BuildKit (amd64, arm64): restore, publish and the ReadyToRun code below target the image's architecture.
ARG TARGETARCH
# Restore first, from the project file and the shared build settings and package versions alone, so the layer is reused
# until dependencies change.
COPY Directory.Build.props Directory.Packages.props ./
COPY src/Gateway/Gateway.csproj src/Gateway/
RUN dotnet restore src/Gateway/Gateway.csproj -a $TARGETARCH -p:PublishReadyToRun=true
COPY appsettings.json ./
COPY src/Gateway/ src/Gateway/
# ReadyToRun: compiled ahead of time, so the first sync of a large cluster runs optimized code instead of the JIT's
# first tier (lists served -> ready with 10,000 Services: bench/results/kubernetes-scale.md).
RUN dotnet publish src/Gateway/Gateway.csproj -c Release -a $TARGETARCH --self-contained false -p:PublishReadyToRun=true \
    -o /app --no-restore /p:UseAppHost=false
# The image serves no demo: routes come from the mounted ConfigMap and from Kubernetes discovery.
COPY deploy/docker/appsettings.json /app/appsettings.json

# Chiseled: no shell, no package manager, non-root (uid 1654) by default.
FROM mcr.microsoft.com/dotnet/aspnet:10.0-noble-chiseled AS runtime
WORKDIR /app
COPY --from=build /app ./
# The listeners come from Gateway:Listen:Http and Gateway:Admin:Url; the base image's default port setting would only
# produce an "overriding addresses" warning.
ENV ASPNETCORE_HTTP_PORTS=""
USER 1654:1654
EXPOSE 8080 8443 9090
# No HEALTHCHECK: Kubernetes probes /healthz and /readyz on the admin port.
ENTRYPOINT ["dotnet", "Gateway.dll"]
