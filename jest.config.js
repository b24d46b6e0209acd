/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }],
    // jose, openid-client and oauth4webapi ship ES modules only; Jest on Node 20 loads CommonJS, so they are
    // compiled like our own code.
    '^.+/node_modules/(jose|openid-client|oauth4webapi)/.+\\.js$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!(jose|openid-client|oauth4webapi)/)'],
  // The PostgreSQL suites (*.pg.test.ts) run only against a server: `node scripts/with-postgres.mjs npx jest tests/db`
  // sets TEST_POSTGRES_URL (npm test does so after the main run). Without it they are not collected at all.
  // tests/cluster/ starts the whole cluster (scripts/cluster.mjs, minutes): collected only with CLUSTER_SUITE=true.
  testRegex: `/tests/${process.env.CLUSTER_SUITE === 'true' ? '' : '(?!cluster/)'}.*${process.env.TEST_POSTGRES_URL ? '' : '(?<!\\.pg)'}\\.test\\.ts$`,
  // Workflow and end-to-end suites start real servers; two cores do not run many at once.
  maxWorkers: 2,
  testTimeout: 60_000,
};
