// Benefit decisions in plain words, for the clerk's case page and the parents' page alike.
import type { Benefits } from '../api/types';
import { dateOnly, monthText, readableDates, yuan } from './format';

/** The premium waiver as the pages name it (the benefit lines, the new-case form's 异地参保 statement). */
export const PREMIUM_WAIVER_TITLE = '新生儿居民医保保费减免';

export interface BenefitLine { title: string; state: 'yes' | 'no' | 'pending'; headline: string; details: string[]; clause: string | null }

/** The clause a decision rests on (`第十五条`), when the back end names one. */
const clauseOf = (d: object): string | null => {
  const c = (d as { citation?: { clause?: unknown } }).citation?.clause;
  return typeof c === 'string' ? c : null;
};

/**
 * What the case says of the enrolment: `enrolled` when the medical-insurance service is done (the page
 * knows it from the case); the decision itself knows it once decided on the enrolment.
 */
export interface BenefitContext { enrolled?: boolean }

export function benefitLines(b: Benefits, context: BenefitContext = {}): BenefitLine[] {
  const lines: BenefitLine[] = [premiumWaiverLine(b.premiumWaiver, context)];
  const c = b.childcareSubsidy;
  lines.push({
    title: '育儿补贴',
    state: c.pending ? 'pending' : c.eligible ? 'yes' : 'no',
    headline: c.pending ? '待户口登记后核定' : c.eligible ? `每月 ${yuan(c.monthly)}，共 ${c.months} 个月` : '不符合领取条件',
    details: [
      c.reason,
      ...c.failed.map((f) => f.message),
      ...(c.eligible && c.supplement > 0 ? [`含基础补贴 ${yuan(c.base)}、加发 ${yuan(c.supplement)}（${c.supplementReasons.join('、')}）`] : []),
      ...(c.eligible && c.from && c.to ? [`发放期间：${monthText(c.from)} 至 ${monthText(c.to)}`] : []),
      ...(c.endsOn ? [`补贴截止于孩子满3周岁（${dateOnly(c.endsOn)}）`] : []),
    ].filter(Boolean),
    clause: clauseOf(c),
  });
  const m = b.maternity;
  lines.push({
    title: '生育医疗费用待遇',
    state: m.eligible ? 'yes' : 'no',
    headline: m.eligible && m.delivery?.countedHere === false && typeof m.amount !== 'number' && typeof m.percent !== 'number'
      ? '按一次分娩计算，见第1个出生孩子的办件'
      : m.eligible ? (typeof m.amount === 'number' ? `定额 ${yuan(m.amount)}` : typeof m.percent === 'number' ? `按 ${m.percent}% 报销` : '可享受') : '不符合条件',
    details: [m.reason, ...m.failed.map((f) => f.message)].filter(Boolean),
    clause: clauseOf(m),
  });
  // The engine's ISO dates as people read them (2027年5月20日), in every line.
  return lines.map((l) => ({ ...l, details: [...new Set(l.details.map(readableDates))] }));
}

type Waiver = Benefits['premiumWaiver'];

/**
 * The waiver follows the case: before enrolment, the deadline to enrol by; once enrolled, the outcome
 * (granted, with the amount or the year not yet published; or not granted, with why) and no deadline.
 */
export function premiumWaiverLine(w: Waiver, context: BenefitContext = {}): BenefitLine {
  const enrolled = context.enrolled === true || w.enrolmentYearEstimated === false;
  const common = { title: PREMIUM_WAIVER_TITLE, clause: clauseOf(w) };
  const grandparents = (w.grandparentsLtc ?? []).map((g) => `${g.relation}：${g.reason}`);
  const failed = w.failed.map((f) => f.message);
  if (enrolled && !w.pending) {
    const headline = w.eligible
      ? (typeof w.amount === 'number' ? `已参保，准予全额补助 ${yuan(w.amount)}` : '已参保，准予全额补助（年度标准尚未公布）')
      : '已参保，未能享受减免';
    return { ...common, state: w.eligible ? 'yes' : 'no', headline, details: unique([w.reason, ...failed, ...grandparents]) };
  }
  if (enrolled) {
    // The service is done but the decision on it has not reached this page yet: no stale deadline.
    return { ...common, state: 'pending', headline: '已参保，减免结果核定中', details: unique([...grandparents]) };
  }
  return {
    ...common,
    state: w.pending ? 'pending' : w.eligible ? 'yes' : 'no',
    headline: w.pending ? '待参保登记后核定' : w.eligible ? `可减免 ${yuan(w.amount)}` : '不符合减免条件',
    details: unique([
      w.reason,
      ...failed,
      `请在 ${dateOnly(w.deadline)} 前完成参保登记${w.eligible ? '，逾期不能享受减免' : ''}`,
      ...grandparents,
    ]),
  };
}

const unique = (lines: string[]): string[] => [...new Set(lines.filter(Boolean))];
