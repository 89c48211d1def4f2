import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.spec.ts'],
    environment: 'node',
    // Property tests print { seed, path } on failure; keep runs replayable.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'threads',
  },
});
