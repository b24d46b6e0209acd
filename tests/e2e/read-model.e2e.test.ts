// The read model over the real stack (issue 21): the worker's sink writes each case to the project's
// database as the workflow publishes it, the API reads it from there, a case missing from it is read from
// Temporal, and a rebuild from the workflows writes it back.
import { sql } from 'kysely';
import { rebuildReadModel } from '../../api/read-model-rebuild';
import { databaseOptionsFromEnv, openMigratedDatabase } from '../../infra/database';
import type { Database } from '../../infra/database';
import { readModelSchema } from '../../infra/read-model';
import { openReadModel } from '../../infra/read-model-process';
import { CaseView } from '../../api/views.schemas';
import { birthCaseWorkflowId, getCaseState } from '../../workflows/birth-case.contract';
import { eventually } from '../helpers/eventually';
import { application } from '../helpers/fixtures';
import { startStack } from '../helpers/stack';
import type { Stack } from '../helpers/stack';

const METRICS_TOKEN = 'test-metrics-token-read-model-0123456789';
let stack: Stack;
let clerk: string;
let database: Database;

beforeAll(async () => {
  process.env.METRICS_TOKEN = METRICS_TOKEN;
  stack = await startStack();
  clerk = await stack.token({ sub: 'clerk-rm', role: 'clerk', hospitalId: 'H0001' });
  database = await openMigratedDatabase(databaseOptionsFromEnv({}, stack.config.DATA_DIR, 'readModel'), readModelSchema);
}, 240_000);
afterAll(async () => {
  await database?.close();
  await stack?.stop();
});

interface RawRow { seq: number; status: string; hospital_id: string; state: Uint8Array }
const rowOf = async (caseId: string): Promise<RawRow | undefined> =>
  (await sql<RawRow>`select seq, status, hospital_id, state from read_model_case where case_id = ${caseId}`.execute(database.db)).rows[0];

const caseReads = async (source: string): Promise<number> => {
  const text = await (await fetch(`${stack.apiUrl}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
  return Number(new RegExp(`birth_case_api_case_reads_total\\{source="${source}"\\} (\\d+)`).exec(text)?.[1] ?? 0);
};

test('when a case runs to its end, then its row holds the whole journal, encrypted, and the clerk\'s reads come from it', async () => {
  const before = await caseReads('readModel');
  const app = application();
  const created = await stack.call('POST', '/api/cases', { token: clerk, body: app });
  expect(created.status).toBe(201);
  const { caseId } = created.body;
  await stack.caseUntil(clerk, caseId, (c) => c.status === 'completed');
  const handle = stack.env.client.workflow.getHandle(birthCaseWorkflowId(caseId));
  await handle.result(); // its last entries written

  const journal = (await handle.query(getCaseState)).events;
  const row = await rowOf(caseId);
  expect(row).toMatchObject({ status: 'completed', hospital_id: 'H0001' });
  expect(Number(row?.seq)).toBe(journal.length); // the row is the journal's last entry, not an older one

  // Nothing personal in the clear: the state is encrypted, the plain columns hold none of it.
  const raw = Buffer.from(row?.state ?? []).toString('latin1') + JSON.stringify({ ...row, state: null });
  for (const secret of [app.mother.idNumber, app.mother.phone, app.father?.idNumber ?? app.mother.idNumber]) expect(raw).not.toContain(secret);
  expect(Buffer.from(row?.state ?? []).includes(Buffer.from(app.mother.name))).toBe(false);

  const read = await stack.call('GET', `/api/cases/${caseId}`, { token: clerk });
  expect(CaseView.parse(read.body)).toMatchObject({ status: 'completed', mother: { name: app.mother.name } });
  expect(await caseReads('readModel')).toBeGreaterThan(before);
});

test('when a case\'s row is gone, then the case is read from Temporal; a rebuild writes it back, and it is read from the read model again', async () => {
  const app = application();
  const { caseId } = (await stack.call('POST', '/api/cases', { token: clerk, body: app })).body;
  const done = await stack.caseUntil(clerk, caseId, (c) => c.status === 'completed');
  // the case's last publications (case.finished, the SMS) come after 'completed': delete once it has closed
  await stack.env.client.workflow.getHandle(birthCaseWorkflowId(caseId)).result();
  await sql`delete from read_model_case where case_id = ${caseId}`.execute(database.db);

  // a case of patch read-model keeps only its start's memo: Temporal answers by query
  const queriesBefore = await caseReads('query');
  // the API's read cache may hold the case for CASE_READ_CACHE_MS: ask until Temporal has answered
  await eventually(async () => {
    const again = await stack.call('GET', `/api/cases/${caseId}`, { token: clerk });
    expect(again.body.status).toBe(done.status);
    expect(await caseReads('query')).toBeGreaterThan(queriesBefore);
  });

  const readModel = openReadModel(stack.config);
  try {
    const report = await rebuildReadModel(stack.env.client, readModel);
    expect(report.failed).toEqual([]);
    expect(report.applied).toBeGreaterThanOrEqual(1);
    const row = await rowOf(caseId);
    const journal = (await stack.env.client.workflow.getHandle(birthCaseWorkflowId(caseId)).query(getCaseState)).events;
    expect(Number(row?.seq)).toBe(journal.length);

    // Run again: every row is current, nothing goes backwards.
    const second = await rebuildReadModel(stack.env.client, readModel);
    expect(second.applied).toBe(0);
    expect(second.current).toBe(second.cases);
  } finally {
    await readModel.close();
  }
});
