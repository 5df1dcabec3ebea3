# One image for the whole workspace: the tools (the topology provisioner in docker-compose.yml,
# commerce-ops). Services run from their own images, services/<name>/Dockerfile.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY . .
RUN npm ci --no-audit --no-fund && npx tsc --build && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /app
COPY --from=build /app /app
USER node
# Each compose service sets its command, e.g. node services/fraud-scorer/dist/server.js
CMD ["node", "packages/topology/dist/cli.js", "--help"]
