// The public-security mock's real-name check (mock-agencies/identity-check.routes.ts): deterministic by
// the register's rules, so tests reach each answer.
import { makeCitizenId } from '../../domain/identity/citizen-id';
import { checkIdentity } from '../../mock-agencies/identity-check.routes';

describe('the real-name check of the public-security mock', () => {
  test('when the ID is well formed and the name standard, then they match (a lower-case x too)', () => {
    expect(checkIdentity('王芳', makeCitizenId('370102', '1994-03-15', 2))).toEqual({ match: true });
    expect(checkIdentity('买买提·艾力', makeCitizenId('650102', '1988-01-01', 1))).toEqual({ match: true });
    const withX = Array.from({ length: 1000 }, (_, n) => makeCitizenId('370102', '1990-01-01', n)).find((id) => id.endsWith('X') && !id.slice(14, 17).startsWith('99'));
    expect(withX).toBeDefined();
    expect(checkIdentity('王芳', withX!.toLowerCase())).toEqual({ match: true });
  });

  test('when the register does not know the person (sequence 999), then no match', () => {
    expect(checkIdentity('王芳', makeCitizenId('370102', '1994-03-15', 999))).toEqual({ match: false, reason: 'unknown_person' });
  });

  test('when the ID is not well formed, or the name not a standard one, then no match', () => {
    const id = makeCitizenId('370102', '1994-03-15', 2);
    expect(checkIdentity('王芳', `${id.slice(0, 17)}${id.endsWith('0') ? '1' : '0'}`)).toEqual({ match: false, reason: 'invalid_id' });
    expect(checkIdentity('王芳', id.slice(0, 17))).toEqual({ match: false, reason: 'invalid_id' });
    expect(checkIdentity('Wang Fang', id)).toEqual({ match: false, reason: 'name_mismatch' });
  });
});
