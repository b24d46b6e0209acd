// Deadline reminders: the parents hear, `reminderLeadDays` before a deadline (09:00 Shanghai time), that a
// service is still open — household registration (one month after birth) and the premium-waiver window.
import { serviceLabel, type ServiceKey } from '../../domain/catalog';
import { isTerminal } from '../../domain/case-state';
import { addMonthsCivil, lastDayByArt203, shanghaiDate } from '../../domain/dates';
import { DEFAULT_REMINDER_LEAD_DAYS, HOUSEHOLD_REGISTRATION_DUE_MONTHS } from '../birth-case.contract';
import type { CaseRun } from './case-run';
import { notify, waitFor } from './waits';

async function remindBefore(run: CaseRun, key: ServiceKey, dueOn: string, params: Record<string, string>): Promise<void> {
  const dueMs = Date.parse(`${dueOn}T23:59:59+08:00`);
  const leadDays = run.settings.reminderLeadDays ?? DEFAULT_REMINDER_LEAD_DAYS;
  const remindMs = Date.parse(`${dueOn}T09:00:00+08:00`) - leadDays * 86_400_000;
  const open = (): boolean => !isTerminal(run.serviceState(key).status) && !run.stopping();
  if (!run.requested(key) || Date.now() >= dueMs) return;
  const closed = await waitFor(run, () => !open(), remindMs, false);
  if (!closed && open()) await notify(run, 'deadline_approaching', `reminder:${key}`, { ...params, dueOn });
}

export function deadlineReminders(run: CaseRun): Array<Promise<void>> {
  const birthDate = shanghaiDate(run.application.newborn.birthAt);
  const householdDue = addMonthsCivil(birthDate, HOUSEHOLD_REGISTRATION_DUE_MONTHS);
  // Civil Code art. 203 where the case decides by it: a last day on a rest day moves to the next working day.
  const dueOn = run.policyRules?.restDays ? lastDayByArt203(householdDue).date : householdDue;
  const reminders = [remindBefore(run, 'household', dueOn, { item: serviceLabel('household') })];
  const waiver = run.derived().benefits?.premiumWaiver;
  if (waiver?.eligible) reminders.push(remindBefore(run, 'medicalInsurance', waiver.deadline, { item: '二孩三孩医保个人缴费补助（出生六个月内参保）' }));
  return reminders;
}
