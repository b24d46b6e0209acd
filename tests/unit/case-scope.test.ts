// Issue 19: the scope a filing staff member files into and reads within. A hall's cases carry HALL:<hallId>
// in the case's hospitalId; no hospital clerk can reach them, whatever hospital id its claims carry.
import fc from 'fast-check';
import { hallOfScope, hallScope, scopeOf } from '../../api/case-scope';

describe('case scope', () => {
  it('when a hospital clerk, a hall clerk, an admin and an officer are scoped, then the hospital and the hall get their own, the others none', () => {
    expect(scopeOf({ sub: 'c', role: 'clerk', hospitalId: 'H0001' })).toBe('H0001');
    expect(scopeOf({ sub: 'h', role: 'hallClerk', hallId: 'JN-HALL-01' })).toBe('HALL:JN-HALL-01');
    expect(scopeOf({ sub: 'a', role: 'admin' })).toBeNull();
    expect(scopeOf({ sub: 'o', role: 'officer', agency: 'publicSecurity' })).toBeNull();
    expect(hallOfScope('HALL:JN-HALL-01')).toBe('JN-HALL-01');
    expect(hallOfScope('H0001')).toBeNull();
  });

  it('for any hall and any hospital id a clerk\'s claims may carry, the clerk\'s scope is never the hall\'s', () => {
    fc.assert(fc.property(fc.string({ minLength: 1, maxLength: 40 }), fc.oneof(fc.string({ minLength: 1 }), fc.string().map((s) => `HALL:${s}`)), (hallId, hospitalId) => {
      expect(scopeOf({ sub: 'c', role: 'clerk', hospitalId })).not.toBe(hallScope(hallId));
    }), { numRuns: 2000 });
  });
});
