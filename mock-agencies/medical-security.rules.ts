// Medical-security rules of the mock: the yearly individual resident premium and the clause-15 subsidy.
// One definition with the engine: the premiums are the policy table's published figures and `waived` and
// the window are the engine's own rule (birth order, first eligible birth date, six months by the Civil
// Code), so the mock and the decisions shown to parents cannot disagree. `premiumTable` overrides premiums.
import { DEFAULT_POLICY_TABLE, premiumWaiverApplies, premiumWaiverDeadline, publishedPremiumsByYear } from '../domain/policy';

/** Yuan per calendar year of enrolment: the policy table's published figures. */
export const DEFAULT_PREMIUM_TABLE: Readonly<Record<number, number>> = Object.freeze(publishedPremiumsByYear(DEFAULT_POLICY_TABLE));

/**
 * The agency's premium for an enrolment year. The agency always knows its current figure: for a year
 * after the table's last published one it answers that last figure (the engine, meanwhile, says plainly
 * that the year is not yet published until the table has it, and shows this figure once enrolled).
 * Undefined for a year before every published figure.
 */
export function agencyPremiumFor(table: Readonly<Record<number, number>>, year: number): number | undefined {
  if (table[year] !== undefined) return table[year];
  const earlier = Object.keys(table).map(Number).filter((y) => y < year);
  return earlier.length > 0 ? table[Math.max(...earlier)] : undefined;
}

/** Last day of "six months from the birth date": the engine's deadline. */
export function lastDayOfWaiverWindow(birthDate: string): string {
  return premiumWaiverDeadline(DEFAULT_POLICY_TABLE, birthDate);
}

export function premiumWaived(input: { birthOrder: number; birthDate: string; enrolledOn: string }): boolean {
  return premiumWaiverApplies(DEFAULT_POLICY_TABLE, input);
}
