// Logs are JSON with request ids and case ids, and never carry a name, an ID number or a phone.
import pino from 'pino';
import { eventually } from '../helpers/eventually';
import {
  birthCertificateRequest,
  cardRequest,
  failureOf,
  father,
  freePort,
  householdRequest,
  smsRequest,
  startTestMock,
  uniqueId,
} from './support';

test('when every kind of request goes through the mock, then its logs hold case ids but no names, ID numbers or phones', async () => {
  const lines: string[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(line) });
  const mock = await startTestMock({ logger, callbackUrl: `http://127.0.0.1:${await freePort()}/cb`, cardProductionDays: 1 });
  try {
    const caseId = uniqueId('logs');
    const certificate = birthCertificateRequest(caseId);
    const household = householdRequest(caseId, { father: father({ hukouRegionCode: '110105' }) });
    const sms = smsRequest(caseId, { phone: '13912345678' });
    await mock.agencies.issueBirthCertificate(certificate);
    await failureOf(mock.agencies.issueBirthCertificate({ ...certificate, idempotencyKey: `${caseId}:bc:r2`, hospitalId: 'H0999' }));
    const outcome = await mock.agencies.registerHousehold(household);
    if (outcome.outcome !== 'under_review') throw new Error('expected a review');
    await mock.desk.decideReview(outcome.reviewId, 'approve', 'ok', 'officer-1');
    const registration = await mock.agencies.getHouseholdRegistration({ idempotencyKey: household.idempotencyKey });
    const card = await cardRequest(mock.agencies, caseId);
    await mock.agencies.applySocialSecurityCard(card);
    await mock.agencies.sendSms(sms);
    await eventually(async () => expect((await mock.admin.callbacks(caseId)).filter((c) => c.attempts > 0)).toHaveLength(2), { timeoutMs: 5000, intervalMs: 25 });

    const logs = lines.join('');
    expect(logs).toContain(caseId);
    expect(lines.every((l) => JSON.parse(l).msg !== undefined)).toBe(true);
    const pii = [
      certificate.newborn.name, certificate.mother.name, certificate.mother.idNumber, certificate.father!.idNumber,
      household.father!.idNumber, card.childCitizenId, card.delivery.address!, sms.phone,
      ...(registration.outcome === 'registered' ? [registration.citizenId] : []),
    ];
    for (const value of pii) expect(logs).not.toContain(value);
  } finally {
    await mock.close();
  }
});
