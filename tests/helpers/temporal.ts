// A real Temporal dev server per test file: the CLI found or built by scripts/temporal-cli.mjs, started
// through TestWorkflowEnvironment with an existing path (never the SDK's own download).
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Connection } from '@temporalio/client';
import type { SearchAttributeType } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Runtime } from '@temporalio/worker';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { loadConfig } from '../../infra/config';
import type { Config } from '../../infra/config';
import { dataConverter } from '../../infra/temporal';
import { CaseSearchAttributes } from '../../workflows/birth-case.contract';

const projectRoot = resolve(__dirname, '../..');

// Worker state changes and retried activities (expected in these tests) are noise; errors still show.
try {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
} catch {
  // already installed in this process by an earlier test file: keep it
}

export function temporalCliPath(): string {
  return execFileSync(process.execPath, [join(projectRoot, 'scripts/temporal-cli.mjs')], { encoding: 'utf8' }).trim();
}

/** Config for a test: its own data folder (payload key, agency DB) and fast service levels. */
export function testConfig(overrides: Partial<Config> = {}): Config {
  const dataDir = mkdtempSync(join(tmpdir(), 'birth-one-thing-'));
  return { ...loadConfig({ ALLOW_DEV_SECRETS: 'true', DATA_DIR: dataDir, LOG_LEVEL: 'silent', AGENCY_POLL_SECONDS: '1', CORRECTION_DUE_SECONDS: '600' }), ...overrides };
}

export async function startDevServer(config: Config): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: temporalCliPath() },
      ip: '127.0.0.1',
      searchAttributes: Object.values(CaseSearchAttributes),
      log: { format: 'pretty', level: 'error' },
    },
    client: { dataConverter: dataConverter(config) },
  });
}

/** The workflow bundle, built once per test file. */
export async function bundleWorkflows(): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows'), failureConverterPath: require.resolve('../../infra/failure-converter'), logger: quietLogger });
}

const noop = (): void => undefined;
const quietLogger = { log: noop, trace: noop, debug: noop, info: noop, warn: noop, error: noop };

const INDEXED_VALUE_TYPE: Record<SearchAttributeType, temporal.api.enums.v1.IndexedValueType> = {
  TEXT: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_TEXT,
  KEYWORD: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  INT: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_INT,
  DOUBLE: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_DOUBLE,
  BOOL: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
  DATETIME: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
  KEYWORD_LIST: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST,
};

/** Registers the case's search attributes through the OperatorService (the Java test server knows none). */
export async function registerSearchAttributes(connection: Connection, namespace: string): Promise<void> {
  await connection.operatorService.addSearchAttributes({
    namespace,
    searchAttributes: Object.fromEntries(Object.values(CaseSearchAttributes).map((k) => [k.name, INDEXED_VALUE_TYPE[k.type]])),
  });
}
