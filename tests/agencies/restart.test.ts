// Durability: a restart on the same SQLite file keeps every record, repeated keys answer as before,
// a pending review can still be decided, and an undelivered callback is still sent.
import type { AgencyActivities } from '../../activities/agency.types';
import { eventually } from '../helpers/eventually';
import {
  birthCertificateRequest,
  cardRequest,
  freePort,
  householdRequest,
  medicalInsuranceRequest,
  smsRequest,
  startReceiver,
  startTestMock,
  uniqueId,
  vaccinationRequest,
} from './support';

/** One request per agency for a case; `run` sends them all and collects the answers. */
async function requestsFor(agencies: AgencyActivities, caseId: string) {
  const card = await cardRequest(agencies, caseId); // enrols at medical security first
  const requests = {
    birthCertificate: birthCertificateRequest(caseId),
    vaccination: vaccinationRequest(caseId),
    household: householdRequest(caseId, { married: false }),
    medicalInsurance: medicalInsuranceRequest(caseId, { idempotencyKey: `${caseId}:medicalInsurance:2` }),
    card,
    sms: smsRequest(caseId),
  };
  const run = async (a: AgencyActivities) => ({
    birthCertificate: await a.issueBirthCertificate(requests.birthCertificate),
    vaccination: await a.createVaccinationRecord(requests.vaccination),
    household: await a.registerHousehold(requests.household),
    medicalInsurance: await a.enrolMedicalInsurance(requests.medicalInsurance),
    card: await a.applySocialSecurityCard(requests.card),
    sms: await a.sendSms(requests.sms),
  });
  return { requests, run };
}

test('when the mock restarts on the same file, then every record is kept and repeated keys answer exactly as before', async () => {
  const port = await freePort(); // the orchestrator is down all along: the callback must wait in the outbox
  const first = await startTestMock({ callbackUrl: `http://127.0.0.1:${port}/api/agency-callbacks`, cardProductionDays: 1000 });
  const caseId = uniqueId('restart');
  const { requests, run } = await requestsFor(first.agencies, caseId);
  const before = await run(first.agencies);
  const countsBefore = await first.admin.records({ caseId });
  expect(countsBefore.total).toBe(7); // six agencies, two enrolments
  await first.close();

  const second = await startTestMock({ ...first.options, port: 0 });
  try {
    expect(await second.admin.records({ caseId })).toEqual(countsBefore);
    expect(await run(second.agencies)).toEqual(before);
    expect(await second.admin.records({ caseId })).toEqual(countsBefore);
    expect(await second.agencies.getHouseholdRegistration({ idempotencyKey: requests.household.idempotencyKey })).toEqual(before.household);
    expect(await second.agencies.getSocialSecurityCardStatus({ idempotencyKey: requests.card.idempotencyKey })).toEqual(before.card);
  } finally {
    await second.close();
  }
});

test('when a review is decided and the mock restarts before the callback got through, then the restarted mock delivers it', async () => {
  const port = await freePort(); // nobody listens here until the last mock runs
  const first = await startTestMock({ callbackUrl: `http://127.0.0.1:${port}/api/agency-callbacks` });
  const caseId = uniqueId('restart');
  const outcome = await first.agencies.registerHousehold(householdRequest(caseId, { father: null, married: false, householdOf: 'mother' }));
  if (outcome.outcome !== 'under_review') throw new Error('expected a review');
  await first.close();

  // restarted: the review is still pending and can be decided; the callback fails, the receiver is down
  const second = await startTestMock({ ...first.options, port: 0 });
  const [pending] = await second.desk.listPendingReviews({ caseId });
  expect(pending?.reviewId).toBe(outcome.reviewId);
  await second.desk.decideReview(outcome.reviewId, 'approve', 'ok', 'officer-1');
  await eventually(async () => expect((await second.admin.callbacks(caseId))[0]?.attempts).toBeGreaterThanOrEqual(1), { timeoutMs: 5000, intervalMs: 25 });
  expect((await second.admin.callbacks(caseId))[0]?.deliveredAt).toBeNull();
  await second.close();

  const receiver = await startReceiver(port);
  const third = await startTestMock({ ...first.options, port: 0 });
  try {
    await eventually(async () => expect((await third.admin.callbacks(caseId))[0]?.deliveredAt).not.toBeNull(), { timeoutMs: 5000, intervalMs: 25 });
    expect(receiver.received.filter((r) => r.body.includes(outcome.reviewId))).toHaveLength(1);
    expect((await third.agencies.getHouseholdRegistration({ idempotencyKey: `${caseId}:household` })).outcome).toBe('registered');
  } finally {
    await third.close();
    await receiver.close();
  }
});
