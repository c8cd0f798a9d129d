// Test runner config: node environment, tests mirrored under tests/.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    env: { DOTENV_CONFIG_QUIET: 'true', TZ: 'UTC' },
  },
});
