# nhi-steward GitHub App. Build: docker build -t nhi-steward . ; run with the environment variables
# in the README (APP_ID, PRIVATE_KEY, WEBHOOK_SECRET, optional REDIS_URL).
FROM node:24-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev

FROM node:24-slim
# A capped heap keeps a full scan of a 200 MB repository near 245 MB RSS (bench/app.ts).
ENV NODE_ENV=production PORT=3000 NODE_OPTIONS=--max-old-space-size=256
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/lib ./lib
COPY package.json app.yml ./
COPY schema ./schema
USER node
EXPOSE 3000
CMD ["node", "lib/app/server.js"]
