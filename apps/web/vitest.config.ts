import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['lib/**/*.test.ts'],
    reporters: ['default', ['json', { outputFile: '.test-results.json' }]],
  },
});
