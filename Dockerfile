# One image for the API and the worker; the command picks the role.
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force
COPY . .
ENV NODE_ENV=production
USER node
CMD ["node", "--import", "tsx", "api/main.ts"]
