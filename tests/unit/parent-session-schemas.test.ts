// The parents' sign-in bodies (api/parent-session.schemas.ts): whatever a caller types, a phone is accepted
// only as an 11-digit mobile number and a code only as 6 digits; nothing else passes, nothing throws.
import fc from 'fast-check';
import { makeCitizenId } from '../../domain/identity/citizen-id';
import { RealNameRequest, SignInCodeRequest, SignInRequest } from '../../api/parent-session.schemas';

const MOBILE = /^1[3-9]\d{9}$/;

test('for any text as a phone, the body passes exactly when it is an 11-digit mobile number (spaces around trimmed)', () => {
  fc.assert(fc.property(fc.oneof(fc.string(), fc.stringMatching(/^\s?1[0-9]\d{9}\s?$/), fc.stringMatching(/^\d{8,13}$/)), (phone) => {
    const parsed = SignInCodeRequest.safeParse({ phone });
    expect(parsed.success).toBe(MOBILE.test(phone.trim()));
    if (parsed.success) expect(parsed.data.phone).toBe(phone.trim());
  }), { numRuns: 500 });
});

test('for any text as a code, the body passes exactly when it is 6 digits', () => {
  fc.assert(fc.property(fc.oneof(fc.string(), fc.stringMatching(/^\d{4,8}$/)), (code) => {
    expect(SignInRequest.safeParse({ phone: '13812345678', code }).success).toBe(/^\d{6}$/.test(code));
  }), { numRuns: 500 });
});

test('the real-name body takes a standard name and a valid ID number only, and nothing more', () => {
  const idNumber = makeCitizenId('370102', '1994-03-15', 2);
  expect(RealNameRequest.safeParse({ name: '王芳', idNumber }).success).toBe(true);
  expect(RealNameRequest.safeParse({ name: ' 买买提·艾力 ', idNumber: ` ${idNumber.toLowerCase()} ` }).data).toEqual({ name: '买买提·艾力', idNumber });
  for (const body of [{ name: 'Wang', idNumber }, { name: '王芳', idNumber: idNumber.slice(0, 17) }, { name: '王芳', idNumber, extra: 1 }, { name: '王芳' }, { idNumber }]) {
    expect(RealNameRequest.safeParse(body).success).toBe(false);
  }
});
