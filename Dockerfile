# sluice: the engine, the shipped connectors and a project of pipelines, in a small image.
#   docker build -t sluice:1.0 .                         (the shipped pipelines/ as the project)
#   docker build --build-arg PROJECT=../my-project -t my-sluice .   is not possible (outside the context):
#   build FROM this image and COPY your project to /project instead (see docs/operations.md).
# The Kubernetes manifests of `sluice k8s pipelines --image sluice:1.0` run it.

FROM node:20-bookworm AS build
WORKDIR /src
COPY package.json package-lock.json ./
# better-sqlite3 compiles (or fetches its prebuilt binary) here, where the tool chain is
RUN npm ci --ignore-scripts && npm rebuild better-sqlite3
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /opt/sluice
COPY --from=build /src/package.json ./
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY --from=build /src/bin ./bin
COPY --from=build /src/schemas ./schemas
RUN ln -s /opt/sluice/bin/sluice.js /usr/local/bin/sluice
# The project the containers work in: pipelines/, mappings, connections.yaml (secrets are ${env:}
# references, filled from the Kubernetes Secret).
COPY --from=build /src/pipelines /project/pipelines
WORKDIR /project
USER node
ENTRYPOINT ["sluice"]
CMD ["--help"]
