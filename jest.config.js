/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }],
    // jose ships ES modules only; Jest on Node 20 loads CommonJS, so it is compiled like our own code.
    '^.+/node_modules/jose/.+\\.js$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!jose/)'],
  testMatch: ['<rootDir>/tests/**/*.test.ts'],
  // Workflow and end-to-end suites start real servers; two cores do not run many at once.
  maxWorkers: 2,
  testTimeout: 60_000,
};
