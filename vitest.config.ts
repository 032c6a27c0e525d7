import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Integration tests spawn real agents and git; the pool of 2 cores is shared with them.
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 30_000,
    // Tests assert behaviour, never timing; a retry would hide a real race.
    retry: 0,
  },
});
