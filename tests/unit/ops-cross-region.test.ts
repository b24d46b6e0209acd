// The dashboard's cross-region section (issue 19) from the cases' memos: services per channel, the time
// from submission to the answer, the open cases waiting on posted originals; a case from before the
// cross-region bundle (no channel recorded) counts as local.
import type { Client } from '@temporalio/client';
import { crossRegionFigures } from '../../api/ops.cross-region';
import { Dashboard } from '../../api/ops.schemas';

const at = (minutes: number) => new Date(Date.parse('2026-11-22T10:00:00+08:00') + minutes * 60_000).toISOString();

function clientOf(memos: Record<string, unknown>[]): Client {
  return {
    workflow: {
      async *list() {
        for (const [i, state] of memos.entries()) yield { workflowId: `birth-case-C${i}`, memo: { state } };
      },
    },
  } as unknown as Client;
}

const service = (channel: string | undefined) => ({ status: 'submitted', attempts: 1, ...(channel ? { channel } : {}) });

test('when one case is handled in Beijing, one waits on originals from Qingdao and one is from before the bundle, then each is counted where it belongs', async () => {
  const beijing = {
    status: 'completed',
    services: { birthCertificate: service('local'), household: service('crossProvince'), medicalInsurance: service('crossProvince') },
    actionsRequired: [],
    timing: { birthCertificate: { submittedAt: at(0), endedAt: at(1) }, household: { submittedAt: at(0), endedAt: at(60 * 24 * 3) }, medicalInsurance: { submittedAt: at(0), endedAt: null } },
  };
  const qingdao = {
    status: 'in_progress',
    services: { household: service('inProvince') },
    actionsRequired: [{ kind: 'originals', service: 'household', items: [], dueAt: at(60), postTo: '青岛市' }],
    timing: {},
  };
  const old = { status: 'completed', services: { household: service(undefined) }, actionsRequired: [], timing: { household: { submittedAt: at(0), endedAt: at(2) } } };
  const figures = await crossRegionFigures(clientOf([beijing, qingdao, old, { nonsense: true }]), 'q', (id) => id.replace('birth-case-', ''));
  expect(figures.cases).toBe(2);
  expect(figures.waitingOnOriginals).toBe(1);
  expect(figures.byChannel.crossProvince).toEqual({ cases: 1, services: 2, answered: 1, medianSeconds: 3 * 86_400, p90Seconds: 3 * 86_400 });
  expect(figures.byChannel.inProvince).toMatchObject({ cases: 1, services: 1, answered: 0, medianSeconds: null });
  expect(figures.byChannel.local).toMatchObject({ cases: 2, services: 2, answered: 2 });
  expect(figures.truncated).toBe(false);
  expect(() => Dashboard.shape.crossRegion.parse(figures)).not.toThrow();
});
