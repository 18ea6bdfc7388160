# Trent: AWS KMS API server. Build: docker build -t trent .   Run: docker run -p 8080:8080 trent
FROM swift:6.1-bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends libsqlite3-dev libssl-dev libsodium-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Package.swift ./
COPY Sources ./Sources
COPY Tests ./Tests
RUN swift build -c release --product trent --static-swift-stdlib \
    && cp "$(swift build -c release --show-bin-path)/trent" /trent

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends libsqlite3-0 libssl3 libsodium23 curl ca-certificates \
    && rm -rf /var/lib/apt/lists/* && useradd --system --home /data trent && mkdir -p /data && chown trent /data
COPY --from=build /trent /usr/local/bin/trent
USER trent
VOLUME /data
EXPOSE 8080
HEALTHCHECK CMD curl -fs http://localhost:8080/health || exit 1
ENTRYPOINT ["trent"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8080", "--data-dir", "/data"]
