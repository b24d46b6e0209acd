// Valid applications for tests, unique per call (a fresh mother ID and birth instant each time), so
// tests never collide on a case id.
import type { CaseCreateRequest } from '../../domain/case.schemas';
import { makeCitizenId } from '../../domain/identity/citizen-id';
import { toShanghaiIso } from '../../domain/dates';

let counter = 0;

export interface ApplicationInput extends Omit<Partial<CaseCreateRequest>, 'newborn' | 'mother' | 'father'> {
  newborn?: Partial<CaseCreateRequest['newborn']>;
  mother?: Partial<CaseCreateRequest['mother']>;
  father?: Partial<NonNullable<CaseCreateRequest['father']>> | null;
}

/** A complete, valid 出生一件事 application: born `ageDays` before `nowMs` (default 2 days ago), second child. */
export function application(input: ApplicationInput = {}, ageDays = 2, nowMs = Date.now()): CaseCreateRequest {
  counter += 1;
  const unique = (process.pid * 1000 + counter) % 997;
  const bornMs = nowMs - ageDays * 86_400_000 - counter * 60_000;
  const birthAt = toShanghaiIso(bornMs).replace(/\.\d{3}/, '');
  const { newborn, mother, father, ...rest } = input;
  return {
    newborn: { name: '李安然', sex: 'F', birthAt, birthWeightGrams: 3250, birthOrder: 2, ...newborn },
    mother: {
      name: '王芳',
      idNumber: makeCitizenId('370102', '1994-03-15', 100 + (unique % 400) * 2),
      phone: '13800138000',
      hukouRegionCode: '370102',
      insurance: 'resident',
      lowIncome: false,
      supplementGround: 'none',
      ...mother,
    },
    father:
      father === null
        ? null
        : { name: '李强', idNumber: makeCitizenId('370103', '1992-07-01', 101 + (unique % 400) * 2), phone: '13900139000', hukouRegionCode: '370103', ...father },
    married: true,
    householdOf: 'father',
    services: ['birthCertificate', 'vaccination', 'household', 'medicalInsurance', 'socialSecurityCard'],
    delivery: { method: 'ems', address: '济南市历下区泉城路1号', recipient: 'mother' },
    consent: { signedBy: 'mother', signedAt: birthAt },
    ...rest,
  };
}
