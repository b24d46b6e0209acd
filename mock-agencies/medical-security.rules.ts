// Medical-security rules of the mock: the yearly individual resident premium and the clause-15 subsidy.
// One definition with the engine: the premiums are the policy table's published figures and `waived` and
// the window are the engine's own rule (birth order, first eligible birth date, six months by the Civil
// Code, arts. 201–203: a last day on a rest day or holiday moves to the next working day — the reading new
// cases decide by), so the mock and the decisions shown to parents cannot disagree. `premiumTable`
// overrides premiums.
import { DEFAULT_POLICY_TABLE, premiumWaiverApplies, premiumWaiverDeadline, publishedPremiumsByYear } from '../domain/policy';

/** Yuan per calendar year of enrolment: the policy table's published figures. */
export const DEFAULT_PREMIUM_TABLE: Readonly<Record<number, number>> = Object.freeze(publishedPremiumsByYear(DEFAULT_POLICY_TABLE));

/**
 * The agency's premium for an enrolment year: only a figure it has (issue 22). For a year after the last
 * published one it says the figure is not yet published (the enrolment goes on; the premium is null with
 * the reason) rather than carry the last figure forward, which the engine would then show as the agency's.
 * `unknownYear`: a year before every published figure (the mock asks for a correction of enrolledOn).
 */
export type AgencyPremium =
  | { kind: 'published'; yuan: number }
  | { kind: 'notYetPublished'; year: number; message: string }
  | { kind: 'unknownYear'; year: number };

export function agencyPremiumFor(table: Readonly<Record<number, number>>, year: number): AgencyPremium {
  const yuan = table[year];
  if (yuan !== undefined) return { kind: 'published', yuan };
  const later = Object.keys(table).map(Number).some((y) => y > year);
  const earlier = Object.keys(table).map(Number).some((y) => y < year);
  if (earlier && !later) return { kind: 'notYetPublished', year, message: `${year}年度城乡居民医保个人缴费标准尚未公布` };
  return { kind: 'unknownYear', year };
}

/** The agency applies the Civil Code as a whole: art. 203 (the engine's `restDays` reading) included. */
const AGENCY_RULES = { restDays: true } as const;

/** Last day of "six months from the birth date": the engine's deadline, art. 203 included. */
export function lastDayOfWaiverWindow(birthDate: string): string {
  return premiumWaiverDeadline(DEFAULT_POLICY_TABLE, birthDate, AGENCY_RULES);
}

export function premiumWaived(input: { birthOrder: number; birthDate: string; enrolledOn: string }): boolean {
  return premiumWaiverApplies(DEFAULT_POLICY_TABLE, input, AGENCY_RULES);
}
