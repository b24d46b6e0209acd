// How the parents' pages write a registration's facts: IDs and phones masked as the API masks them
// elsewhere (first and last four, the phone's middle four), the household in words.
export const maskId = (id: string): string => (id.length >= 8 ? `${id.slice(0, 4)}${'*'.repeat(id.length - 8)}${id.slice(-4)}` : id);
export const maskPhone = (phone: string): string => (/^\d{11}$/.test(phone) ? `${phone.slice(0, 3)}****${phone.slice(7)}` : phone);
export const householdText = (who: string): string => (who === 'mother' ? '随母亲落户' : who === 'father' ? '随父亲落户' : '—');

/** How far ahead a pregnancy may be registered (domain/family-registration.ts EXPECTED_MONTH_MAX_AHEAD). */
const MONTHS_AHEAD = 10;
/** The expected months a registration may name: this month (Beijing time) and the next ten, as YYYY-MM. */
export function expectedMonths(nowMs: number): string[] {
  const today = new Date(nowMs + 8 * 3600_000);
  const y = today.getUTCFullYear();
  const m = today.getUTCMonth();
  return Array.from({ length: MONTHS_AHEAD + 1 }, (_, i) => {
    const d = new Date(Date.UTC(y, m + i, 1));
    return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
  });
}
