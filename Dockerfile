FROM node:24-bookworm-slim
WORKDIR /app
COPY . .
RUN npm ci --no-audit --no-fund && npx prisma generate && npm run console:build
ENV NODE_ENV=production
# In a container the api (and a worker's metrics port) listen on every interface; outside one, on loopback unless HOST says otherwise.
ENV HOST=0.0.0.0
ENTRYPOINT ["node", "apps/cli/bin/tocsin.js"]
CMD ["start"]
