FROM node:20-bookworm-slim
WORKDIR /app
COPY . .
RUN npm ci --no-audit --no-fund && npx prisma generate
ENV NODE_ENV=production
ENTRYPOINT ["node", "apps/cli/bin/tocsin.js"]
CMD ["start"]
