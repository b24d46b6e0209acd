import { addMonthsToYearMonth, shanghaiDateOfMs } from '../../../domain/dates';
import { expectedMonthWindow } from '../shared/schemas';

// How the parents' pages write a registration's facts: IDs and phones masked as the API masks them
// elsewhere (first and last four, the phone's middle four), the household in words.
export const maskId = (id: string): string => (id.length >= 8 ? `${id.slice(0, 4)}${'*'.repeat(id.length - 8)}${id.slice(-4)}` : id);
export const maskPhone = (phone: string): string => (/^\d{11}$/.test(phone) ? `${phone.slice(0, 3)}****${phone.slice(7)}` : phone);
export const householdText = (who: string): string => (who === 'mother' ? '随母亲落户' : who === 'father' ? '随父亲落户' : '—');

/** The expected months a registration may name (the domain's window from today, Beijing time), as YYYY-MM. */
export function expectedMonths(nowMs: number): string[] {
  const { from, to } = expectedMonthWindow(shanghaiDateOfMs(nowMs));
  const months = [from];
  while ((months.at(-1) as string) < to) months.push(addMonthsToYearMonth(months.at(-1) as string, 1));
  return months;
}
