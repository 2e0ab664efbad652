# syntax=docker/dockerfile:1
# One image for every WMSi process (gateway, migrate, the CLI, and later the workers and the API):
# each runs from its TypeScript source with tsx, as `npm start` does. docker-compose.yml picks the
# entry file per service.

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
# Every dependency, dev ones included: tsx (a devDependency) runs the source.
RUN npm ci --include=dev && npm cache clean --force
COPY . .
USER node
ENTRYPOINT ["node", "--conditions=@wmsi/source", "--import", "tsx"]
CMD ["apps/gateway/src/main.ts"]
