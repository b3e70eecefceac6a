# syntax=docker/dockerfile:1
# Multi-stage build of the verbatim Matrix bot.
#
#   docker build -t verbatim .
#   docker run -d --name verbatim \
#     -v verbatim-state:/var/lib/verbatim \
#     -v "$PWD/config.toml:/etc/verbatim/config.toml:ro" \
#     -e VERBATIM_PASSWORD -e VERBATIM_STORE_PASSPHRASE \
#     verbatim
#
# config.toml must set state_dir = "/var/lib/verbatim". The knowledge shipped in the repository is compiled in;
# mount more under /etc/verbatim/knowledge and list it in [knowledge] paths.

FROM rust:1.95-bookworm AS build
WORKDIR /src
# Dependencies first, so that a change to the sources does not rebuild them.
COPY Cargo.toml Cargo.lock build.rs ./
RUN mkdir src && echo 'fn main() {}' > src/main.rs && touch src/lib.rs \
    && mkdir knowledge && cargo build --release --locked \
    && rm -rf src knowledge
COPY src ./src
COPY knowledge ./knowledge
RUN touch src/main.rs src/lib.rs && cargo build --release --locked \
    && strip target/release/verbatim

FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates tini \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 verbatim \
    && useradd --system --uid 10001 --gid verbatim --home-dir /var/lib/verbatim --shell /usr/sbin/nologin verbatim \
    && install -d -o verbatim -g verbatim -m 0700 /var/lib/verbatim \
    && install -d -m 0755 /etc/verbatim
COPY --from=build /src/target/release/verbatim /usr/local/bin/verbatim
USER verbatim:verbatim
WORKDIR /var/lib/verbatim
VOLUME ["/var/lib/verbatim"]
# RUST_LOG is left unset: it would replace the built-in log filter (see README, "Logs").
ENV VERBATIM_CONFIG=/etc/verbatim/config.toml
# tini forwards SIGTERM (docker stop) and SIGHUP (docker kill -s HUP: apply the live configuration keys and
# reload the knowledge) to the bot.
ENTRYPOINT ["/usr/bin/tini", "--", "/usr/local/bin/verbatim"]
CMD ["run"]
