# syntax=docker/dockerfile:1
# The clinsafe GitHub App (Probot). Multi-stage: TypeScript is compiled in the first stage; the
# image that runs holds production dependencies only and runs as the unprivileged `node` user.
#
#   docker build -t clinsafe-app .
#   docker run --env-file .env -p 3000:3000 clinsafe-app
#
# Several instances sharing GitHub's rate limits through Redis: see compose.yaml and docs/app.md.

FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json ./
COPY src ./src
RUN npx tsc -p tsconfig.json

FROM node:22-bookworm-slim AS app
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist/src ./dist/src
COPY templates ./templates
COPY app.yml ./
USER node
EXPOSE 3000
# Probot answers GET /ping with PONG once the server is listening.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/ping').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/src/app/main.js"]
