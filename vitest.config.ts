import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The real-MTA suite needs servers that .ci/run starts: npm run test:mta.
    exclude: ['test/mta/**', 'node_modules/**'],
    testTimeout: 20_000,
  },
});
