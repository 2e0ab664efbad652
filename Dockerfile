# syntax=docker/dockerfile:1
# One image for every WMSi process: the apps (gateway, workers, API) run from their bundles, as
# `npm start` does; the CLI (and so `migrate`) from its TypeScript source with tsx.
# docker-compose.yml picks the entry file per service.

# Only the manifests, so `npm ci` below is redone when dependencies change, not on every source edit.
FROM node:22-slim AS manifests
WORKDIR /app
COPY . .
RUN find . -type f ! -name package.json ! -name package-lock.json ! -name .npmrc -delete \
 && find . -depth -type d -empty -delete

FROM node:22-slim
ENV NODE_ENV=production NX_DAEMON=false NX_NO_CLOUD=true
WORKDIR /app
COPY --from=manifests /app ./
# Every dependency, dev ones included: tsx (a devDependency) runs the CLI's source.
RUN npm ci --include=dev && npm cache clean --force
COPY . .
RUN node tools/bootstrap/bundle.mjs apps/gateway apps/worker-receiving apps/worker-fulfillment apps/worker-items apps/worker-adjustments apps/worker-maintenance apps/api
# The console (React, built by Vite into apps/console/dist), served by the API at /.
RUN node tools/bootstrap/build-console.mjs --force
USER node
# A small young generation keeps each process's peak RSS low (see apps/gateway/src/main.ts).
ENTRYPOINT ["node", "--max-semi-space-size=2", "--max-old-space-size=512"]
CMD ["apps/gateway/bundle/main.js"]
