# rollbot: multi-stage build; the runtime image holds the bundled CLI and production
# dependencies only, runs as a non-root user on Node 24 (the current LTS), and reports health on
# /healthz. The sandbox (packages/sandbox: the simulators and console) is not in the build context
# (.dockerignore) nor in the image: `rollbot demo | drill | sandbox` there say so and point at a
# checkout. No runbooks either: they are the operator's (deploy/: a ConfigMap at RUNBOOKS_DIR, or
# RUNBOOKS_GITHUB_REPO).
#   docker build --build-arg ROLLBOT_COMMIT=$(git rev-parse --short=12 HEAD) -t rollbot .
FROM node:24-bookworm-slim AS build
# The build context has no .git: the commit `rollbot --version`, /healthz and rollbot_build_info
# report comes in as an argument (the release workflow passes the tag's commit).
ARG ROLLBOT_COMMIT=unknown
WORKDIR /app
COPY package.json package-lock.json ./
COPY scripts ./scripts
COPY src ./src
# esbuild bundles src/cli/main.ts into dist/rollbot.mjs; --product-only skips the sandbox bundle.
RUN npm ci --ignore-scripts --no-audit --no-fund && ROLLBOT_COMMIT=${ROLLBOT_COMMIT} node scripts/build.mjs --product-only

FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production PORT=3000
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist/rollbot.mjs /app/dist/rollbot.mjs.map ./dist/
USER node
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=3s --start-period=10s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
ENTRYPOINT ["node", "dist/rollbot.mjs"]
CMD ["serve"]
