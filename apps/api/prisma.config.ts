import path from 'node:path';
import { defineConfig } from 'prisma/config';
import { migrationAdapter } from './src/database/pg-connection.js';

// The CLI migrates through the pg driver adapter and Prisma's wasm schema engine: nothing is downloaded.
export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: path.join('prisma', 'schema.prisma'),
  migrations: { path: path.join('prisma', 'migrations') },
  adapter: async () => {
    const url = process.env['DATABASE_URL'];
    if (url === undefined) throw new Error('set DATABASE_URL to run Prisma migrations');
    return migrationAdapter(url);
  },
});
