import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Integration tests spawn real agents and git; the pool of 2 cores is shared with them.
    maxWorkers: 2,
    // Safety nets against hangs, never claims about speed: a loaded CI machine can take minutes
    // for a test that runs a plan, resumes it and opens Chromium.
    testTimeout: 180_000,
    hookTimeout: 120_000,
    // Tests assert behaviour, never timing; a retry would hide a real race.
    retry: 0,
  },
});
