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
  // Logs to a temp folder during the suite, and a check that the repository root is left as it was.
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
  testTimeout: 30000,
  collectCoverageFrom: ['miniprogram/domain/**/*.ts'],
  coverageReporters: ['text-summary', 'text'],
  // The domain core is the shared rulebook of money, stock and orders: keep it well covered.
  coverageThreshold: { global: { lines: 90 } },
};
