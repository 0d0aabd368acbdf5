# nhi-steward GitHub App. Build: docker build -t nhi-steward . ; run with the environment variables
# in the README (APP_ID, PRIVATE_KEY, WEBHOOK_SECRET, optional REDIS_URL).
# Node 24: the version .ci/run also tests the App on (a smoke subset, next to the full suite on 20).
FROM node:24-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# Production dependencies of the App: the CLI's own, plus probot, bullmq and ioredis, which the package
# declares as optional peers (so `npm install -g nhi-steward` for the CLI stays lean).
FROM node:24-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm pkg set "dependencies.probot=$(node -p "require('./package.json').peerDependencies.probot")" \
                "dependencies.bullmq=$(node -p "require('./package.json').peerDependencies.bullmq")" \
                "dependencies.ioredis=$(node -p "require('./package.json').peerDependencies.ioredis")" \
 && npm pkg delete devDependencies.probot devDependencies.bullmq devDependencies.ioredis \
 && npm install --omit=dev --ignore-scripts --no-audit --no-fund

FROM node:24-slim
# git: history scans run `git` (cat-file, log); ca-certificates: HTTPS to GitHub from git.
RUN apt-get update \
 && apt-get install -y --no-install-recommends git ca-certificates \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production PORT=3000
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/lib ./lib
COPY package.json app.yml ./
COPY schema ./schema
USER node
EXPOSE 3000
# Probot's server answers GET /ping with PONG.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/ping').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# node itself (no npx: signals reach the app, no registry lookup at start). The heap cap bounds the
# App's memory; with a cap alone V8 sizes the old generation for a small device and ran ~110 full
# collections in a 1 GB full scan, so the old generation starts at 96 MB (docs/performance.md,
# "The App's full scan"; the server keeps its young generation small itself, src/app/early.ts).
# `npm start` uses the same flags.
CMD ["node", "--max-old-space-size=256", "--initial-old-space-size=96", "lib/app/server.js"]
