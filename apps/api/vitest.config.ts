import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

// esbuild drops decorator metadata, which Nest's dependency injection reads: SWC keeps it.
export default defineConfig({
  plugins: [swc.vite({ module: { type: 'es6' } })],
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    reporters: ['default', ['json', { outputFile: '.test-results.json' }]],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
