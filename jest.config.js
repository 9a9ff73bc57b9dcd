/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    // Type checking is done once by `npm run typecheck`; here ts-jest only transpiles (isolatedModules).
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.node.json' }],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  testTimeout: 30000,
  // Rebuilds stale function bundles before any test runs them.
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  // One pinned fast-check seed for every property test.
  setupFiles: ['<rootDir>/test/support/fast-check.ts'],
  collectCoverageFrom: ['miniprogram/domain/**/*.ts'],
  coverageReporters: ['text-summary', 'text'],
  // The domain core is the shared rulebook of money, stock and orders: keep it well covered.
  coverageThreshold: { global: { lines: 90 } },
};
