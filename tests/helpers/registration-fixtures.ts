// Family registrations for tests (生育登记, issue 18): a fresh family per call. The mother's ID sequence
// decides how many children the mock health commission has on record for her (sequence mod 3,
// mock-agencies/family-registry.ts); even sequences are women, odd ones men. 994 = open elsewhere, 999 = unknown.
import { addMonthsToYearMonth, shanghaiDateOfMs } from '../../domain/dates';
import { makeCitizenId } from '../../domain/identity/citizen-id';
import type { FamilyRegistrationRequest } from '../../workflows/family-registration.contract';

let families = 0;

/** A mother's ID whose record shows `childrenOnRecord` children, unique in this process. */
export function motherIdWith(childrenOnRecord: 0 | 1 | 2): string {
  families += 1;
  const base = 100 + ((process.pid % 40) * 20 + families * 6) % 780;
  const seq = [0, 1, 2].map((k) => base + k * 2).find((s) => s % 3 === childrenOnRecord) as number;
  return makeCitizenId('370102', '1994-03-15', seq);
}

export interface RegistrationInput extends Partial<Omit<FamilyRegistrationRequest, 'mother' | 'father'>> {
  mother?: Partial<FamilyRegistrationRequest['mother']>;
  father?: Partial<NonNullable<FamilyRegistrationRequest['father']>> | null;
  /** what the commission has on record for the mother (default 0); `childrenBefore` declares the same unless given */
  onRecord?: 0 | 1 | 2;
}

/** A valid request: married, expected two months from `nowMs`'s month, the child to the father's household. */
export function registrationRequest(input: RegistrationInput = {}, nowMs = Date.now()): FamilyRegistrationRequest {
  const { mother, father, onRecord = 0, ...rest } = input;
  const n = families + 1;
  const phoneTail = String(1000 + ((process.pid + n * 37) % 9000)).slice(-4);
  return {
    mother: { name: '王芳', idNumber: motherIdWith(onRecord), phone: `1381234${phoneTail}`, hukouRegionCode: '370102', ...mother },
    father: father === null ? null : { name: '李强', idNumber: makeCitizenId('370103', '1992-07-01', 101 + (n % 400) * 2), phone: `1391234${phoneTail}`, hukouRegionCode: '370103', ...father },
    marriage: { married: true, marriedOn: '2020-05-20' },
    childrenBefore: onRecord,
    expectedMonth: addMonthsToYearMonth(shanghaiDateOfMs(nowMs).slice(0, 7), 2),
    hospitalId: 'H0001',
    householdOf: 'father',
    ...rest,
  };
}
