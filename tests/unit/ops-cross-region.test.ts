// The dashboard's cross-region section (issue 19) from the read model: services per channel, the time from
// submission to the answer, the open cases waiting on posted originals; a case from before the
// cross-region bundle (no channel recorded) counts as local. Cases are published to a read model on SQLite
// (the same figures on PostgreSQL: tests/helpers/read-model-suite.ts) and answered as the route answers.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dashboardBody } from '../../api/ops.routes';
import { Dashboard } from '../../api/ops.schemas';
import { openMigratedDatabase } from '../../infra/database';
import type { Database } from '../../infra/database';
import { createReadModel, readModelSchema } from '../../infra/read-model';
import { journalState, newCodec, steps } from '../helpers/read-model-suite';

const { submitted, completed, forwarded, originals, finished } = steps;
const DAY = 3 * 24 * 60;
let dir: string;
let database: Database;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ops-cross-region-'));
  database = await openMigratedDatabase({ dialect: 'sqlite', file: join(dir, 'app.sqlite') }, readModelSchema);
});
afterAll(async () => {
  await database.close();
  rmSync(dir, { recursive: true, force: true });
});

test('when one case is handled in Beijing, one waits on originals from Qingdao and one is from before the bundle, then each is counted where it belongs', async () => {
  const model = createReadModel(database, newCodec());
  const cases = [
    // the household registered in Beijing in 3 days; the birth certificate here in a minute; the insurance here, unanswered
    journalState({
      caseId: 'C-BJ', asked: ['birthCertificate', 'household', 'medicalInsurance'],
      steps: [
        submitted('birthCertificate', 0), completed('birthCertificate', 1),
        submitted('household', 2, 'crossProvince'), forwarded('household', 2, 'crossProvince'), completed('household', 2 + DAY),
        submitted('medicalInsurance', 2 + DAY),
      ],
    }),
    // Qingdao asks the parents to post originals
    journalState({ caseId: 'C-QD', asked: ['household'], steps: [submitted('household', 1, 'inProvince'), forwarded('household', 1, 'inProvince'), originals('household', 5)] }),
    // from before the cross-region bundle: no channel recorded
    journalState({ caseId: 'C-OLD', asked: ['household'], steps: [submitted('household', 0), completed('household', 2), finished(3)] }),
  ];
  for (const state of cases) await model.publish(state, state.events.length);

  const period = { from: '2026-11-20', to: '2026-11-20', hospitalId: null };
  const figures = Dashboard.shape.crossRegion.parse(dashboardBody(await model.dashboard({ ...period, maxCases: 10 }), period, '2026-11-20').crossRegion);
  expect(figures.cases).toBe(2);
  expect(figures.waitingOnOriginals).toBe(1);
  expect(figures.byChannel.crossProvince).toEqual({ cases: 1, services: 1, answered: 1, medianSeconds: 3 * 86_400, p90Seconds: 3 * 86_400 });
  expect(figures.byChannel.inProvince).toEqual({ cases: 1, services: 1, answered: 0, medianSeconds: null, p90Seconds: null });
  // Beijing's birth certificate (60 s) and insurance (unanswered), the old case's household (120 s)
  expect(figures.byChannel.local).toEqual({ cases: 2, services: 3, answered: 2, medianSeconds: 60, p90Seconds: 120 });
  expect(figures.truncated).toBe(false);
});
