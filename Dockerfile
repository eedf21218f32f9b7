# syntax=docker/dockerfile:1
# psa: build with the full toolchain, run on distroless Node (no shell, no package manager), as a non-root user, with
# a read-only root filesystem (nothing is written at runtime: logs go to stdout, certificates and configuration are
# mounted read-only).

FROM node:24-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY scripts/bundle-cli.ts ./scripts/
RUN npm run build

FROM node:24-bookworm-slim AS deps
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force

FROM gcr.io/distroless/nodejs24-debian12:nonroot
WORKDIR /app
ENV NODE_ENV=production
COPY --from=deps --chown=65532:65532 /src/node_modules ./node_modules
COPY --from=build --chown=65532:65532 /src/dist ./dist
COPY --chown=65532:65532 package.json ./
USER 65532:65532
EXPOSE 8443
# distroless/nodejs runs `node` as its entrypoint; `psa serve ...` flags come from the container args.
ENTRYPOINT ["/nodejs/bin/node", "/app/dist/main.js"]
CMD ["serve", "--help"]
