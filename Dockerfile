# rollbot: multi-stage build; the runtime image holds the bundled CLI and production
# dependencies only, runs as a non-root user, and reports health on /healthz. The sandbox
# (packages/sandbox: the simulators and console) is not in the build context (.dockerignore) nor
# in the image: `rollbot demo | drill | sandbox` there say so and point at a checkout.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY scripts ./scripts
COPY src ./src
# esbuild bundles src/cli/main.ts into dist/rollbot.mjs; --product-only skips the sandbox bundle.
RUN npm ci --ignore-scripts --no-audit --no-fund && node scripts/build.mjs --product-only

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production PORT=3000
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist/rollbot.mjs /app/dist/rollbot.mjs.map ./dist/
COPY runbooks ./runbooks
USER node
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=3s --start-period=10s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
ENTRYPOINT ["node", "dist/rollbot.mjs"]
CMD ["serve"]
