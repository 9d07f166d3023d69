# syntax=docker/dockerfile:1
# The Sgraf API: ASP.NET Core on the .NET 10 runtime, the demo bundle inside, serving on port 8080 as a non-root user.
#   docker build -t sgraf-api .                                              the slim CPU-only ONNX Runtime (default)
#   docker build -t sgraf-api:gpu --build-arg ONNXRUNTIME_FLAVOR=gpu .       ONNX Runtime's CUDA build, on a CUDA 13 base
# Deploying, scaling and configuring it: docs/deployment.md.

# cpu or gpu (lower case: it names the runtime stage below).
ARG ONNXRUNTIME_FLAVOR=cpu
# ONNX Runtime 1.32's CUDA build links CUDA 13 (cuBLAS, cuBLASLt, cuRAND, cudart) and loads cuDNN 9; Ubuntu 24.04
# matches the .NET image the runtime comes from.
ARG CUDA_IMAGE=nvidia/cuda:13.0.0-cudnn-runtime-ubuntu24.04
ARG DOTNET_RUNTIME_IMAGE=mcr.microsoft.com/dotnet/aspnet:10.0-noble

FROM mcr.microsoft.com/dotnet/sdk:10.0-noble AS build
ARG ONNXRUNTIME_FLAVOR
ARG TARGETARCH
WORKDIR /src
# Project files first: the restore layer is reused as long as no project or package version changes.
COPY Directory.Build.props Directory.Build.targets Directory.Packages.props ./
COPY build/ build/
COPY src/Sgraf.Api/Sgraf.Api.csproj src/Sgraf.Api/
COPY src/Sgraf.Inference/Sgraf.Inference.csproj src/Sgraf.Inference/
COPY src/Sgraf.Shapes/Sgraf.Shapes.csproj src/Sgraf.Shapes/
# One runtime identifier: only its native ONNX Runtime libraries are published (the CPU package carries every platform's).
# ONNX Runtime's CUDA package holds linux-x64 libraries only.
RUN if [ "$ONNXRUNTIME_FLAVOR" = gpu ] && [ "$TARGETARCH" = arm64 ]; then echo "the gpu flavour is linux-x64 only" >&2; exit 1; fi
RUN rid="linux-$([ "$TARGETARCH" = arm64 ] && echo arm64 || echo x64)" \
 && dotnet restore src/Sgraf.Api/Sgraf.Api.csproj -r "$rid" -p:OnnxRuntimeFlavor=${ONNXRUNTIME_FLAVOR}
COPY src/Sgraf.Api/ src/Sgraf.Api/
COPY src/Sgraf.Inference/ src/Sgraf.Inference/
COPY src/Sgraf.Shapes/ src/Sgraf.Shapes/
RUN rid="linux-$([ "$TARGETARCH" = arm64 ] && echo arm64 || echo x64)" \
 && dotnet publish src/Sgraf.Api/Sgraf.Api.csproj -c Release -r "$rid" --self-contained false --no-restore \
      -p:OnnxRuntimeFlavor=${ONNXRUNTIME_FLAVOR} -o /app

FROM ${DOTNET_RUNTIME_IMAGE} AS runtime-cpu

FROM ${CUDA_IMAGE} AS runtime-gpu
# The ASP.NET runtime from the official image (same Ubuntu release), with the libraries it needs; the user "app"
# with the UID the official images use, so volumes work the same with either flavour.
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates libssl3t64 libstdc++6 tzdata zlib1g \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --uid 1654 --user-group --no-create-home --home-dir /app --shell /usr/sbin/nologin app
COPY --from=runtime-cpu /usr/share/dotnet /usr/share/dotnet
RUN ln -s /usr/share/dotnet/dotnet /usr/bin/dotnet
# Device Auto (the service's default): CUDA when the GPU is handed to the container, else the CPU, said in the log,
# /health/ready and /metrics.
ENV NVIDIA_VISIBLE_DEVICES=all \
    NVIDIA_DRIVER_CAPABILITIES=compute,utility

FROM runtime-${ONNXRUNTIME_FLAVOR} AS final
WORKDIR /app
COPY --from=build /app ./
COPY models/shapes-bundle/ models/shapes-bundle/
COPY deploy/http-probe.sh /usr/local/bin/http-probe
RUN mkdir /data && chown 1654:1654 /data
# The local gallery log (Sgraf:Store Local) and the generated demo data. Replicas share Redis instead.
VOLUME /data
# Port 8080 on every interface, as the official .NET images do (the CUDA base of the gpu flavour does not set it).
# ASPNETCORE_URLS, if given, takes precedence (docker run -e ASPNETCORE_URLS=http://+:9000).
ENV ASPNETCORE_HTTP_PORTS=8080 \
    Sgraf__BundleDirectory=/app/models/shapes-bundle \
    Sgraf__DataDirectory=/data \
    Sgraf__DemoGallery__ShapesDirectory=/data/shapes \
    Sgraf__JsonLogs=true
EXPOSE 8080
USER 1654
# Ready, not merely live: Docker and compose route to a container (and start what depends on it) once it is healthy.
# Orchestrators with separate probes use GET /health/live (restart if failing) and GET /health/ready (route if 200).
HEALTHCHECK --interval=10s --timeout=5s --start-period=180s --retries=3 CMD ["http-probe", "8080", "/health/ready"]
ENTRYPOINT ["dotnet", "Sgraf.Api.dll"]
