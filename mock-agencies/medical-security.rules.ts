// Medical-security rules of the mock: the yearly individual resident premium and the clause-15 waiver
// (rules.md: birth order 2 or 3, born on/after 2023-01-01, enrolled within six months by the Civil Code
// reading). Pure; the premium table is configuration passed in.
import { addMonthsClamped } from './identity.rules';

/** Yuan per calendar year of enrolment; override with `premiumTable` in the mock's options. */
export const DEFAULT_PREMIUM_TABLE: Readonly<Record<number, number>> = {
  2023: 380,
  2024: 400,
  2025: 400,
  2026: 400,
  2027: 400,
};

const WAIVER_FIRST_BIRTH_DATE = '2023-01-01';

/** Last day of "six months from the birth date": same day number six months on, else that month's last day. */
export function lastDayOfWaiverWindow(birthDate: string): string {
  return addMonthsClamped(birthDate, 6);
}

export function premiumWaived(input: { birthOrder: number; birthDate: string; enrolledOn: string }): boolean {
  return (
    (input.birthOrder === 2 || input.birthOrder === 3) &&
    input.birthDate >= WAIVER_FIRST_BIRTH_DATE &&
    input.enrolledOn >= input.birthDate &&
    input.enrolledOn <= lastDayOfWaiverWindow(input.birthDate)
  );
}
