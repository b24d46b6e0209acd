// The national immunisation schedule the vaccination mock answers with (first year of life). Pure.
import { addMonthsClamped } from './identity.rules';

const BIRTH_DOSES = ['HepB-1', 'BCG'] as const;
const SCHEDULE: ReadonlyArray<{ vaccine: string; months: number }> = [
  { vaccine: 'HepB-2', months: 1 },
  { vaccine: 'IPV-1', months: 2 },
  { vaccine: 'IPV-2', months: 3 },
  { vaccine: 'DTaP-1', months: 3 },
  { vaccine: 'bOPV-3', months: 4 },
  { vaccine: 'DTaP-2', months: 4 },
  { vaccine: 'DTaP-3', months: 5 },
  { vaccine: 'HepB-3', months: 6 },
  { vaccine: 'MenA-1', months: 6 },
  { vaccine: 'MMR-1', months: 8 },
  { vaccine: 'JE-1', months: 8 },
];

/** Birth doses not given in hospital come first, due at once (catch-up); then the schedule. */
export function nextDoses(birthDate: string, dosesGiven: readonly string[]): Array<{ vaccine: string; dueOn: string }> {
  const catchUp = BIRTH_DOSES.filter((d) => !dosesGiven.includes(d)).map((vaccine) => ({ vaccine, dueOn: birthDate }));
  return [...catchUp, ...SCHEDULE.map((s) => ({ vaccine: s.vaccine, dueOn: addMonthsClamped(birthDate, s.months) }))];
}
