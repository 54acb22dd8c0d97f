# One image for every Pulse service; the command picks the service:
#   docker run pulse pnpm pulse start collector
FROM node:20-bookworm-slim
WORKDIR /app
RUN corepack enable
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml tsconfig.base.json tsconfig.json ./
COPY packages packages
COPY services services
COPY test/package.json test/package.json
RUN pnpm install --frozen-lockfile
ENV NODE_ENV=production KAFKAJS_NO_PARTITIONER_WARNING=1
USER node
CMD ["pnpm", "pulse", "start", "all"]
