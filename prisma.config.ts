// Prisma's CLI (generate, migrate deploy) runs on its WebAssembly schema engine: the native
// engine cannot be downloaded everywhere Tocsin is built. The adapter needs a config object,
// not a connection string, so that Prisma does not treat this database as its shadow database.
import { defineConfig } from 'prisma/config';
import { PrismaPg } from '@prisma/adapter-pg';

// The schema's datasource block reads DATABASE_URL; give it the same default as the runtime config.
process.env.DATABASE_URL ??= 'postgresql://postgres@127.0.0.1:5432/tocsin';
const url = new URL(process.env.DATABASE_URL);

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  adapter: async () =>
    new PrismaPg({
      host: url.hostname,
      port: Number(url.port || 5432),
      user: decodeURIComponent(url.username),
      password: decodeURIComponent(url.password),
      database: url.pathname.slice(1),
    }),
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
});
