import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // scripts/test.sh runs test/lab/** in a second pass with --no-file-parallelism: those files
    // share the host's cfl-* namespaces (the lab lock serializes them anyway).
    testTimeout: 20_000,
    hookTimeout: 120_000,
  },
});
