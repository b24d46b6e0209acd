// The staff route guard verifies a token's signature and claims in full once, then remembers the exact
// token string; every request still checks the token's expiry and age against the clock and the role
// the route asks for, and only tokens that passed the full check are remembered.
import type { Request, Response } from 'express';
import { requireStaff, signStaffToken, staffOf } from '../../api/auth';
import { ApiError } from '../../api/errors';

const SECRET = 'unit-test-secret-of-enough-length-0123456789';
const clerk = { sub: 'clerk-1', role: 'clerk', hospitalId: 'H0001' } as const;

/** Runs a guard as express would: the claims it set, or the ApiError code it threw. */
async function pass(guard: ReturnType<typeof requireStaff>, token: string): Promise<unknown> {
  const req = { headers: { authorization: `Bearer ${token}` }, method: 'GET' } as unknown as Request;
  try {
    let nextCalled = false;
    await guard(req, {} as Response, () => { nextCalled = true; });
    return nextCalled ? req.staff : 'next not called';
  } catch (err) {
    return err instanceof ApiError ? err.code : err;
  }
}

afterEach(() => { jest.useRealTimers(); });

describe('staff route guard', () => {
  it('when a remembered token expires, then the next request with it is refused at the same second as a first one would be', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'], now: Date.parse('2026-11-29T10:00:00Z') });
    const guard = requireStaff(SECRET, 'clerk');
    // (within the remembered tokens' own minute: the check below is the per-request one)
    const token = await signStaffToken(clerk, SECRET, '30s');
    for (let i = 0; i < 3; i++) expect(await pass(guard, token)).toEqual(clerk);
    // within the 5 s clock tolerance after exp: still accepted, as jose accepts it
    jest.setSystemTime(Date.parse('2026-11-29T10:00:34Z'));
    expect(await pass(guard, token)).toEqual(clerk);
    expect(await pass(requireStaff(SECRET, 'clerk'), token)).toEqual(clerk);
    jest.setSystemTime(Date.parse('2026-11-29T10:00:35Z'));
    expect(await pass(guard, token)).toBe('UNAUTHENTICATED');
    expect(await pass(requireStaff(SECRET, 'clerk'), token)).toBe('UNAUTHENTICATED');
  });

  it('when a remembered token is altered, then the altered one is verified in full and refused', async () => {
    const guard = requireStaff(SECRET, 'clerk');
    const token = await signStaffToken(clerk, SECRET);
    expect(await pass(guard, token)).toEqual(clerk);
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const otherHospital = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), hospitalId: 'H0002' })).toString('base64url');
    expect(await pass(guard, `${header}.${otherHospital}.${signature}`)).toBe('UNAUTHENTICATED');
    const flipped = `${signature.slice(0, -2)}${signature.endsWith('AA') ? 'BB' : 'AA'}`;
    expect(await pass(guard, `${header}.${payload}.${flipped}`)).toBe('UNAUTHENTICATED');
    expect(await pass(guard, await signStaffToken(clerk, 'another-secret-of-enough-length-0123456789'))).toBe('UNAUTHENTICATED');
    expect(await pass(guard, token)).toEqual(clerk);
  });

  it('when a remembered token reaches a route for another role, then it is refused there', async () => {
    const clerks = requireStaff(SECRET, 'clerk');
    const officers = requireStaff(SECRET, 'officer');
    const token = await signStaffToken(clerk, SECRET);
    expect(await pass(clerks, token)).toEqual(clerk);
    expect(await pass(officers, token)).toBe('FORBIDDEN');
    expect(await pass(clerks, token)).toEqual(clerk);
    expect(await pass(officers, token)).toBe('FORBIDDEN');
  });

  it('when a request changes the claims it was given, then the next request with the token gets them unchanged', async () => {
    const guard = requireStaff(SECRET, 'clerk');
    const token = await signStaffToken(clerk, SECRET);
    const claims = (await pass(guard, token)) as { hospitalId: string };
    expect(() => { claims.hospitalId = 'H0002'; }).toThrow(TypeError);
    expect(await pass(guard, token)).toEqual(clerk);
  });
});

describe('staffOf', () => {
  const requestWith = (staff?: Request['staff']): Request => ({ staff }) as Request;
  const codeOf = (f: () => unknown): unknown => {
    try {
      return f();
    } catch (err) {
      return err instanceof ApiError ? err.code : err;
    }
  };

  it('when a guard let the staff member through, then the route reads the claims, narrowed to the role it names', () => {
    expect(staffOf(requestWith(clerk))).toEqual(clerk);
    expect(staffOf(requestWith(clerk), 'clerk').hospitalId).toBe('H0001');
  });

  it('when a route has no guard, or asks for another role, then 401 or 403 rather than a guess', () => {
    expect(codeOf(() => staffOf(requestWith()))).toBe('UNAUTHENTICATED');
    expect(codeOf(() => staffOf(requestWith(clerk), 'officer'))).toBe('FORBIDDEN');
  });
});
