/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  testMatch: ['<rootDir>/tests/**/*.test.ts'],
  // Workflow and end-to-end suites start real servers; two cores do not run many at once.
  maxWorkers: 2,
  testTimeout: 60_000,
};
