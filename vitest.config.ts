import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Namespace and FRR tests share host-wide resources (netns names, ports): run files one at a time
    // when CARP_FAILOVER_SERIAL is set (CI); unit files are fast either way.
    fileParallelism: process.env.CARP_FAILOVER_SERIAL !== '1',
    testTimeout: 20_000,
    hookTimeout: 60_000,
  },
});
