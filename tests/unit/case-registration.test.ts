// A new case and the parents' online 生育登记 (api/case-registration.ts): the body split and checked, the
// registration found the mother's and open, the birth order derived from it (twins by their position).
import fc from 'fast-check';
import { birthOrderFrom, linkRegistration, splitCaseCreateBody, type RegistrationLookup } from '../../api/case-registration';
import { registrationIdFor } from '../../api/case-identity';
import { ApiError } from '../../api/errors';
import { CaseCreateRequest } from '../../domain/case.schemas';
import type { RegistrationState } from '../../workflows/family-registration.contract';
import { application } from '../helpers/fixtures';
import { registrationRequest } from '../helpers/registration-fixtures';

const SECRET = 'unit-secret';

function stateFor(motherIdNumber: string, over: Partial<RegistrationState> = {}): RegistrationState {
  const request = registrationRequest({ mother: { idNumber: motherIdNumber } });
  return {
    registrationId: registrationIdFor(motherIdNumber, SECRET), registrationNumber: 'SY2026370100000123', status: 'registered', request,
    childrenOnRecord: 1, registeredAt: '2026-10-01T10:00:00+08:00', expiresAt: '2027-04-01T00:00:00+08:00', linkedCases: [], audit: [], ...over,
  };
}
const lookupOf = (state: RegistrationState | null): RegistrationLookup => ({ get: async (id) => (state && id === state.registrationId ? state : null) });
const answerOf = async (p: Promise<unknown>): Promise<ApiError> => {
  const err = await p.then(() => null, (e: unknown) => e);
  if (!(err instanceof ApiError)) throw new Error(`expected an ApiError, got ${String(err)}`);
  return err;
};

test('when the birth order is derived, then it is the children on record plus the child\'s place in the delivery', () => {
  fc.assert(fc.property(fc.integer({ min: 0, max: 19 }), fc.option(fc.integer({ min: 1, max: 9 }), { nil: undefined }), (onRecord, position) => {
    const newborn = { ...application().newborn, ...(position ? { multipleBirth: { children: 9, position } } : {}) };
    expect(birthOrderFrom(onRecord, newborn)).toBe(onRecord + (position ?? 1));
  }));
});

test('when the body carries a registration id, then it is split from the application; bad parts of both are reported at once', () => {
  const app = application();
  const { application: parsed, extras } = splitCaseCreateBody(CaseCreateRequest, { ...app, registrationId: '7ZQ0K8M2XW4T9B1C' });
  expect(extras).toEqual({ registrationId: '7ZQ0K8M2XW4T9B1C' });
  expect(parsed).not.toHaveProperty('registrationId');
  expect(splitCaseCreateBody(CaseCreateRequest, app).extras).toEqual({});
  let thrown: unknown;
  try {
    splitCaseCreateBody(CaseCreateRequest, { ...app, newborn: { ...app.newborn, birthWeightGrams: 10 }, registrationId: 'IIII' });
  } catch (err) {
    thrown = err;
  }
  expect(thrown).toBeInstanceOf(ApiError);
  expect((thrown as ApiError).extra.issues?.map((i) => i.path).sort()).toEqual(['newborn.birthWeightGrams', 'registrationId']);
});

test('when the registration is the mother\'s, open and agrees, then the case links it; a different birth order is a plain 409', async () => {
  const app = application({ newborn: { birthOrder: 2 } });
  const state = stateFor(app.mother.idNumber);
  await expect(linkRegistration(lookupOf(state), state.registrationId, app, SECRET)).resolves.toEqual({ registrationId: state.registrationId, registrationNumber: state.registrationNumber, childrenOnRecord: 1 });
  const wrong = await answerOf(linkRegistration(lookupOf(state), state.registrationId, { ...app, newborn: { ...app.newborn, birthOrder: 3 } }, SECRET));
  expect(wrong.code).toBe('CONFLICT');
  expect(wrong.message).toBe('生育登记记录显示此前已生育1孩，本孩子应为第2孩；您填写的是第3孩，请核对');
  expect(wrong.extra.issues).toEqual([{ path: 'newborn.birthOrder', code: 'BIRTH_ORDER_MISMATCH', message: wrong.message }]);
});

test('when the registration is another mother\'s, unknown or closed, then it is refused; a twin finds it closed as born by its sibling\'s case and links it', async () => {
  const app = application({ newborn: { birthOrder: 2 } });
  const other = application();
  const state = stateFor(app.mother.idNumber);
  expect((await answerOf(linkRegistration(lookupOf(state), state.registrationId, other, SECRET))).extra.issues?.[0]?.code).toBe('REGISTRATION_NOT_FOUND');
  expect((await answerOf(linkRegistration(lookupOf(null), state.registrationId, app, SECRET))).code).toBe('VALIDATION_FAILED');
  const withdrawn = stateFor(app.mother.idNumber, { status: 'withdrawn' });
  expect((await answerOf(linkRegistration(lookupOf(withdrawn), state.registrationId, app, SECRET))).message).toContain('已撤回');
  const born = stateFor(app.mother.idNumber, { status: 'born', linkedCases: [{ caseId: 'FIRSTTWINCASE000', at: '2026-12-01T10:00:00+08:00' }] });
  expect((await answerOf(linkRegistration(lookupOf(born), state.registrationId, app, SECRET))).code).toBe('CONFLICT');
  const secondTwin = { ...app, newborn: { ...app.newborn, birthOrder: 3, multipleBirth: { children: 2, position: 2 } } };
  await expect(linkRegistration(lookupOf(born), state.registrationId, secondTwin, SECRET)).resolves.toMatchObject({ childrenOnRecord: 1 });
});
