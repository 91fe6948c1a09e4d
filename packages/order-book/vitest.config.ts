import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The property tests run hundreds of random command sequences: ~2.5 s alone, and more than vitest's default
    // 5 s when CI starts every package's suite at once on two cores.
    testTimeout: 60_000,
    reporters: ['default', ['json', { outputFile: '.test-results.json' }]],
  },
});
