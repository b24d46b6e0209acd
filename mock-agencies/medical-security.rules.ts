// Medical-security rules of the mock: the yearly individual resident premium and the clause-15 subsidy.
// One definition with the engine: the premiums are the policy table's published figures and `waived` and
// the window are the engine's own rule (birth order, first eligible birth date, six months by the Civil
// Code), so the mock and the decisions shown to parents cannot disagree. `premiumTable` overrides premiums.
import { DEFAULT_POLICY_TABLE, premiumWaiverApplies, premiumWaiverDeadline, publishedPremiumsByYear } from '../domain/policy';

/** Yuan per calendar year of enrolment: the policy table's published figures. */
export const DEFAULT_PREMIUM_TABLE: Readonly<Record<number, number>> = Object.freeze(publishedPremiumsByYear(DEFAULT_POLICY_TABLE));

/** Last day of "six months from the birth date": the engine's deadline. */
export function lastDayOfWaiverWindow(birthDate: string): string {
  return premiumWaiverDeadline(DEFAULT_POLICY_TABLE, birthDate);
}

export function premiumWaived(input: { birthOrder: number; birthDate: string; enrolledOn: string }): boolean {
  return premiumWaiverApplies(DEFAULT_POLICY_TABLE, input);
}
