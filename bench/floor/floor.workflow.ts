// The floor: a bare workflow with the birth case's shape of activity calls (13 on the happy path: the
// acceptance SMS; vaccination and its SMS beside the chain birth certificate → household → insurance →
// card application → card status, each with its SMS; the closing SMS) against no-op activities.
// What the birth case costs above this is the orchestrator's own overhead.
import { proxyActivities } from '@temporalio/workflow';
import type { FloorActivities } from './floor.activities';

const { noop } = proxyActivities<FloorActivities>({ startToCloseTimeout: '30 seconds', retry: { initialInterval: '1 second', maximumInterval: '1 minute' } });

export async function floorWorkflow(caseId: string): Promise<number> {
  let calls = 0;
  const call = async (step: string): Promise<void> => { await noop({ caseId, step }); calls += 1; };
  await call('sms:accepted');
  await Promise.all([
    (async () => { await call('vaccination'); await call('sms:vaccination'); })(),
    (async () => {
      for (const step of ['birthCertificate', 'household', 'medicalInsurance']) {
        await call(step);
        await call(`sms:${step}`);
      }
      await call('socialSecurityCard:apply');
      await call('socialSecurityCard:status');
      await call('sms:socialSecurityCard');
    })(),
  ]);
  await call('sms:finished');
  return calls;
}
