// Issue 19, over real HTTP against the real stack: a mother signed in by SMS code and real-name verified files
// the case of her child born in Qingdao (household in Jinan) herself; the case is the service hall's desk's
// (PARENT_INBOUND_HALL_ID) and lists among her cases with where each item is handled. A child born in Jinan is
// not filed online; someone who is not the mother or father named cannot file; nothing starts on a refusal.
import { ParentView } from '../../api/views.schemas';
import { application } from '../helpers/fixtures';
import { signInParent } from '../helpers/parent-sign-in';
import { startStack } from '../helpers/stack';
import type { Stack } from '../helpers/stack';

let stack: Stack;
let hall: string;
let addresses = 0;
const INBOUND = { hospitalName: '青岛市妇女儿童医院', regionCode: '370212', certificateNumber: 'Q370212345' };

beforeAll(async () => {
  stack = await startStack({ config: { TRUST_PROXY: 'loopback', TEMPORAL_CALL_TIMEOUT_MS: 8000 } });
  hall = await stack.token({ role: 'hallClerk', hallId: 'JN-HALL-01' });
}, 180_000);
afterAll(async () => { await stack?.stop(); });

/** A parent signed in on `phone` and verified as `name`/`idNumber`: the headers of the session. */
async function verified(phone: string, name: string, idNumber: string): Promise<Record<string, string>> {
  const address = { 'x-forwarded-for': `198.51.100.${++addresses}` };
  const { cookie } = await signInParent(stack, phone, address);
  const headers = { ...address, cookie };
  const checked = await stack.call('POST', '/api/parent/real-name', { body: { name, idNumber }, headers });
  if (checked.status !== 200) throw new Error(`real name: ${checked.status} ${JSON.stringify(checked.body)}`);
  return headers;
}

test('when the verified mother files her Qingdao-born child online, then it starts as the hall\'s case, lists among her cases with the certificate coming from Qingdao, and the hall\'s clerk reads it', async () => {
  const body = application({ bornElsewhere: INBOUND, consent: { signedBy: 'mother', signedAt: application().consent.signedAt } });
  const headers = await verified(body.mother.phone, body.mother.name, body.mother.idNumber);

  const bornHere = await stack.call('POST', '/api/parent/cases', { body: { ...body, bornElsewhere: undefined }, headers });
  expect(bornHere.status).toBe(400);
  expect(bornHere.body.error.issues.map((i: { code: string }) => i.code)).toEqual(['INBOUND_REQUIRED']);
  const fatherSigns = await stack.call('POST', '/api/parent/cases', { body: { ...body, consent: { ...body.consent, signedBy: 'father' } }, headers });
  expect(fatherSigns.status).toBe(400);
  expect(fatherSigns.body.error.issues.map((i: { code: string }) => i.code)).toEqual(['CONSENT_SIGNER_NOT_YOU']);

  const created = await stack.call('POST', '/api/parent/cases', { body, headers });
  expect(created.status).toBe(201);
  expect(created.body).toMatchObject({ status: 'accepted' });
  const { caseId } = created.body as { caseId: string };

  const mine = await stack.call('GET', '/api/parent/cases', { headers });
  expect(mine.body.items.map((c: { caseId: string }) => c.caseId)).toEqual([caseId]);
  const view = ParentView.parse(mine.body.items[0]);
  expect(view.services.birthCertificate?.handledAt).toMatchObject({ channel: 'inProvince', placeLabel: '山东省青岛市' });

  const desk = await stack.call('GET', `/api/cases/${caseId}`, { token: hall });
  expect(desk.status).toBe(200);
  expect(desk.body).toMatchObject({ hallId: 'JN-HALL-01', bornElsewhere: INBOUND });

  const again = await stack.call('POST', '/api/parent/cases', { body, headers });
  expect(again.status).toBe(409);
  expect(again.body.error).toEqual({ code: 'DUPLICATE_CASE', message: '该新生儿已有办件，请勿重复申报' });
}, 60_000);

test('when a signed-in parent files a family that is not theirs, or is not real-name verified, then 403 and nothing starts', async () => {
  const stranger = application({ mother: { phone: '13800138101' } });
  const strangerHeaders = await verified(stranger.mother.phone, stranger.mother.name, stranger.mother.idNumber);
  const other = application({ mother: { phone: '13800138102' }, bornElsewhere: INBOUND });
  const notMine = await stack.call('POST', '/api/parent/cases', { body: other, headers: strangerHeaders });
  expect(notMine.status).toBe(403);

  const address = { 'x-forwarded-for': `198.51.100.${++addresses}` };
  const { cookie } = await signInParent(stack, other.mother.phone, address);
  const headers = { ...address, cookie };
  const unverified = await stack.call('POST', '/api/parent/cases', { body: other, headers });
  expect(unverified.status).toBe(403);
  expect(unverified.body.error.message).toBe('请先完成实名认证');

  // nothing started: the rightful mother, once verified, files the same family as a new case
  expect((await stack.call('POST', '/api/parent/real-name', { body: { name: other.mother.name, idNumber: other.mother.idNumber }, headers })).status).toBe(200);
  expect((await stack.call('POST', '/api/parent/cases', { body: other, headers })).status).toBe(201);
}, 60_000);

test('when no parent is signed in, then filing is 401', async () => {
  expect((await stack.call('POST', '/api/parent/cases', { body: application({ bornElsewhere: INBOUND }) })).status).toBe(401);
});
