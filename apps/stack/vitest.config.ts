import { defineConfig } from 'vitest/config';

/**
 * Tests that spend most of their minute or two waiting for the exchange's own clock (an opening a few minutes off, a
 * reopening's or a volatility auction's timer) with their stack idle: they wait side by side, first, and every other
 * file then runs one at a time, as each starts a whole platform.
 */
const WAITING_FOR_THE_CLOCK = [
  'test/opening-auction.test.ts',
  'test/reopening-auction.test.ts',
  'test/volatility-auction.test.ts',
];

export default defineConfig({
  test: {
    reporters: ['default', ['json', { outputFile: '.test-results.json' }]],
    testTimeout: 60_000,
    hookTimeout: 30_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'clock',
          include: WAITING_FOR_THE_CLOCK,
          maxWorkers: WAITING_FOR_THE_CLOCK.length,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'platform',
          include: ['test/**/*.test.ts'],
          exclude: WAITING_FOR_THE_CLOCK,
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
