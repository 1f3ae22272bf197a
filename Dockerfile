# One image for the API, the workers and the migration job; the compose command picks the role.
# Node 24 is the active LTS line (node 20 reached its end of life in April 2026).
ARG NODE_IMAGE=node:24-bookworm-slim

# Production dependencies only (tsx is one: the app runs its TypeScript directly), installed
# in their own stage so that npm, its cache and the lockfile step stay out of the final image.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
# Owned by root and read-only to the app: a compromised process cannot rewrite its own code.
COPY --from=deps /app/node_modules ./node_modules
COPY . .
# The unprivileged user the node images ship; nothing the app does needs root.
USER node
EXPOSE 3000 9464
CMD ["node", "--import", "tsx", "api/main.ts"]
