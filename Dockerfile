# meshid: the provider on Node.js 24, production dependencies only, as an unprivileged user.
# Not built in CI (no container runtime runs on its machines): see README, "Container".

# Dependencies are installed in a stage of their own, so the final image has no npm cache,
# no dev dependencies and none of the optional ones (the embedded development database and the
# bundled Node.js builds are for development machines; the base image brings Node.js 24).
FROM node:24-bookworm-slim AS dependencies
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --omit=optional --no-audit --no-fund && npm cache clean --force

FROM node:24-bookworm-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000
WORKDIR /app
COPY --from=dependencies /app/node_modules ./node_modules
COPY package.json ./
COPY adapters ./adapters
COPY provider ./provider
COPY scripts ./scripts
COPY views ./views
# The demo is a configuration file (DEMO_SEED applies it).
COPY docs/examples ./docs/examples
# The node image's unprivileged user; nothing in /app is writable by it.
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:3000/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "provider/main.ts"]
