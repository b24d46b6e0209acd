// What people read for the API's codes. Services, statuses, agencies, whom a case waits on, field and
// lost-reason labels are the catalog's (domain/catalog.ts); the rest is the pages' own wording. Unknown
// codes (a newer back end) read as a plain Chinese label, never as the raw code.
import {
  agencyLabel as catalogAgencyLabel, AgencyNameSchema, CASE_STATUS_KEYS, CASE_STATUSES, CaseStatusSchema, CORRECTABLE_FIELDS, isCaseClosed, isServiceKey,
  REGISTRATION_STATUSES, serviceAgency, serviceLabel as catalogServiceLabel, SERVICE_KEYS, SERVICE_STATUSES, WAITING_ON, WAIVER_LOST_REASONS,
} from '../../../domain/catalog';
import type { CaseStatus, CorrectablePath, ServiceKey, ServiceStatus } from '../../../domain/catalog';
import type { CaseAction } from '../../../domain/case-log';

export { isServiceKey, SERVICE_KEYS, type ServiceKey };

type Tag = (typeof CASE_STATUSES)[CaseStatus]['tone'] | (typeof SERVICE_STATUSES)[ServiceStatus]['tone'];
const pick = <T>(table: Record<string, T>, key: string | null | undefined, fallback: T): T =>
  key && Object.hasOwn(table, key) ? (table[key] ?? fallback) : fallback;

export const serviceLabel = (key: string | null | undefined): string =>
  isServiceKey(key) ? catalogServiceLabel(key) : key ? '其他事项' : '';

const UNKNOWN_STATUS = { label: '处理中', tone: 'info' } as const;
export const caseStatusLabel = (s: string | null | undefined): string => pick<{ label: string }>(CASE_STATUSES, s, UNKNOWN_STATUS).label;
export const caseStatusTag = (s: string | null | undefined): Tag => pick<{ tone: Tag }>(CASE_STATUSES, s, UNKNOWN_STATUS).tone;
/** Closed: nothing more happens to the case (the pages stop following it). */
export const caseClosed = (s: string | null | undefined): boolean => {
  const known = CaseStatusSchema.safeParse(s);
  return known.success && isCaseClosed(known.data);
};
export const CASE_STATUS_OPTIONS = CASE_STATUS_KEYS.map((value) => ({ value, label: caseStatusLabel(value) }));

/** 生育登记's status (已登记, 已生育, 已撤回, 已过期): the catalog's label, tone and whether it is over. */
const UNKNOWN_REGISTRATION = { label: '处理中', tone: 'info', closed: false } as const;
export const registrationStatusLabel = (s: string | null | undefined): string => pick<{ label: string }>(REGISTRATION_STATUSES, s, UNKNOWN_REGISTRATION).label;
export const registrationStatusTag = (s: string | null | undefined): Tag => pick<{ tone: Tag }>(REGISTRATION_STATUSES, s, UNKNOWN_REGISTRATION).tone;
export const registrationOpen = (s: string | null | undefined): boolean => !pick<{ closed: boolean }>(REGISTRATION_STATUSES, s, { closed: true }).closed;

export const serviceStatusLabel = (s: string | null | undefined): string => pick<{ label: string }>(SERVICE_STATUSES, s, UNKNOWN_STATUS).label;
export const serviceStatusTag = (s: string | null | undefined): Tag => pick<{ tone: Tag }>(SERVICE_STATUSES, s, UNKNOWN_STATUS).tone;

export const agencyLabel = (a: string | null | undefined): string => {
  const known = AgencyNameSchema.safeParse(a);
  return known.success ? catalogAgencyLabel(known.data) : a ? '相关部门' : '';
};
/** The agency that handles a service (what "waiting on whom" names). */
export const serviceAgencyLabel = (key: ServiceKey): string => catalogAgencyLabel(serviceAgency(key));

/** Whom a case waits on (the dashboard's rows), in the catalog's order. */
export const WAITING_ON_ROWS = Object.entries(WAITING_ON).map(([key, { label }]) => ({ key, label }));

/** Why a case lost the premium waiver: a failed condition's label, or NOT_ENROLLED's. */
export const lostReasonLabel = (code: string): string => pick<{ label: string }>(WAIVER_LOST_REASONS, code, { label: '其他原因' }).label;

/** Every action of the case log, as the audit timeline names it (the type makes a new action need a label). */
const ACTIONS = {
  'case.accepted': '受理办件',
  'case.action_required': '需要补正',
  'case.corrected': '更正信息',
  'case.cancel_requested': '申请撤销',
  'case.cancelled': '办件已撤销',
  'case.finished': '办件结束',
  'newborn.named': '提供新生儿姓名',
  'benefits.decided': '核定待遇',
  'notification.sent': '发送短信通知',
  'review.decided': '审核决定',
  'card.posted': '社保卡寄出',
  'service.skipped': '事项未申请',
  'service.submitted': '提交部门',
  'service.under_review': '转人工审核',
  'service.needs_correction': '部门要求更正',
  'service.completed': '事项办结',
  'service.refused': '部门未通过',
  'service.cancelled': '事项撤销',
  'service.compensation': '撤回已办事项',
  'service.needs_attention': '需人工处理',
  'service.resolved': '人工处理',
  'service.agency_unreachable': '部门暂时无法连接',
  'case.escalated': '上报督办',
  'service.forwarded': '转异地办理',
  'service.originals_requested': '异地要求邮寄原件',
  'service.originals_received': '异地已收到原件',
  'forward.answered': '异地已答复',
} satisfies Record<CaseAction, string>;
export const actionLabel = (a: string): string => pick(ACTIONS, a, '办件记录');

const ROLES: Record<string, string> = {
  clerk: '医院登记员', hallClerk: '政务服务大厅窗口人员', officer: '部门审核员', admin: '管理员', parent: '家长', system: '系统', agency: '部门系统',
};
export const roleLabel = (r: string): string => pick(ROLES, r, '其他');

const OUTCOMES: Record<string, string> = { ok: '成功', pending: '等待中', failed: '失败', rejected: '未通过' };
export const outcomeLabel = (o: string): string => pick(OUTCOMES, o, '');

/** Result fields of the services, in the order shown. */
export const RESULT_LABELS: Record<string, string> = {
  registrationNumber: '生育服务登记号',
  childrenOnRecord: '部门记录此前已生育（孩）',
  source: '登记方式',
  certificateNumber: '证书编号',
  citizenId: '公民身份号码',
  regionCode: '户籍地区码',
  enrolmentNumber: '参保登记号',
  enrolledOn: '参保日期',
  premium: '年度保费（元）',
  waived: '保费减免',
  applicationNumber: '申领编号',
  cardNumber: '社保卡号',
  trackingNumber: 'EMS邮件单号',
};

/** How a case's 生育登记 was done (its result's `source`). */
const REGISTRATION_SOURCES: Record<string, string> = { online: '家长网上登记，办件关联', case: '随本办件办理' };
/** A result's value as people read it: the 生育登记's source in words, other strings as they are. */
export const resultValueText = (key: string, value: string): string => (key === 'source' ? pick(REGISTRATION_SOURCES, value, '') : value);

/**
 * Fields a correction notice may name that the case page offers for editing (as text, a date-time or, for
 * the supplement's ground, a list); the notice's other fields are shown, not edited. Labels: the catalog's.
 */
const EDITABLE_ON_PAGE: ReadonlySet<string> = new Set<CorrectablePath>([
  'newborn.name', 'newborn.birthAt', 'mother.name', 'mother.idNumber', 'mother.phone', 'mother.hukouRegionCode',
  'father.name', 'father.idNumber', 'father.phone', 'father.hukouRegionCode', 'delivery.address', 'mother.supplementGround',
]);
export const editableOnPage = (path: string): boolean => EDITABLE_ON_PAGE.has(path);
export const fieldLabel = (path: string): string => pick<{ label: string }>(CORRECTABLE_FIELDS, path, { label: '所列信息' }).label;

export const INSURANCE_LABELS: Record<string, string> = {
  resident: '城乡居民医保', employee: '职工医保', flexible: '灵活就业人员医保', none: '未参保',
};
export const SUPPLEMENT_GROUND_LABELS: Record<string, string> = {
  none: '无',
  minimumLivingAllowance: '享受最低生活保障（低保）',
  destituteSupport: '特困供养人员',
  unemploymentBenefit: '领取失业保险金期间',
};
export const supplementGroundLabel = (k: string | null | undefined): string => pick(SUPPLEMENT_GROUND_LABELS, k, '无');
export const insuranceLabel = (k: string): string => pick(INSURANCE_LABELS, k, '其他');
export const sexLabel = (s: string): string => (s === 'M' ? '男' : s === 'F' ? '女' : '');
export const parentLabel = (p: string): string => (p === 'mother' ? '母亲' : p === 'father' ? '父亲' : '');
export const deliveryLabel = (m: string): string => (m === 'ems' ? 'EMS邮寄' : m === 'pickup' ? '窗口自取' : '其他');

// ---- Agencies' and the system's own words, for people ------------------------------------------
// The back end passes on what agencies say; where that is not Chinese (the mock agencies answer in
// English), the known phrases are translated and anything else is left out rather than shown raw.

const PHRASES: Record<string, string> = {
  'parents not married': '父母未办理结婚登记',
  'father absent': '未登记父亲信息',
  "the household parent's hukou is outside Jinan (cross-region)": '随其落户的父/母户籍不在济南（跨地区落户）',
  'ID number unknown to the household register': '户籍系统中查无此身份证号码，请核对',
  'an EMS delivery needs an address': '选择EMS邮寄时须填写邮寄地址',
  'enrolment date is before the birth date': '参保日期早于出生日期',
  'enrolment number unknown to medical security': '医保部门查无此参保登记号',
  'name contains characters outside the standard character set': '姓名含有规范字库以外的字，请改用规范汉字',
  'name is required': '请提供新生儿姓名',
  'no resident premium is set for that year': '该年度居民医保缴费标准尚未公布',
  'not a birth medical certificate number': '出生医学证明编号无效',
  'not a valid citizen ID number (length, birth date or check character)': '身份证号码无效（位数、出生日期或校验码有误）',
  'not an 11-digit mobile number': '手机号码不是11位',
  'the birth date in the ID number does not match birthAt': '身份证号码中的出生日期与出生时间不一致',
  'the enrolment belongs to another person': '该参保登记属于他人',
  'the parent chosen for the household is not given': '未填写所选落户一方的信息',
  'the household record of the parent chosen for the household is cancelled': '所选落户一方的户口已注销',
  'a birth certificate was already issued for this child (first issuance only)': '该新生儿已签发过出生医学证明（仅办理首次签发）',
  'a social-security card was already applied for this child': '该新生儿已申领过社保卡',
  'the child is already enrolled in resident medical insurance': '该新生儿已参加居民医保',
  'the child is not in a Jinan household: apply where the household is': '新生儿户籍不在济南，请到户籍地办理',
  'the child is not in a Jinan household: resident insurance is joined where the household is': '新生儿户籍不在济南，请到户籍地参加居民医保',
  'the recipient has opted out of government SMS': '家长已退订政务短信',
  'agency temporarily unavailable': '部门系统暂时不可用',
  'household registered': '户口登记完成后核定',
  'medical insurance enrolled': '参保登记完成后核定',
  'case accepted': '受理时核定',
  case_accepted: '受理通知',
  action_required: '补正提醒',
  service_completed: '事项办结通知',
  case_completed: '办件结束通知',
  deadline_approaching: '办理期限提醒',
};

const CJK = /[\u3400-\u9fff]/;

/**
 * A Chinese sentence that ends in the system's technical detail after "：" (an agency's protocol error, say
 * `healthCommission issueBirthCertificate: HTTP 409 IDEMPOTENCY_CONFLICT`): people read the sentence; the
 * detail stays in the audit for operators.
 */
function withoutTechnicalTail(text: string): string {
  const at = text.lastIndexOf('：');
  const tail = at >= 0 ? text.slice(at + 1) : '';
  if (!tail || CJK.test(tail) || !/[A-Za-z]{3,}/.test(tail)) return text;
  return `${text.slice(0, at)}（技术细节已记入办件记录，供运维人员查阅）`;
}

/** Text from the back end as people may read it: Chinese as is, known phrases translated, else null. */
export function plainText(text: string | null | undefined): string | null {
  if (!text) return null;
  if (CJK.test(text)) return withoutTechnicalTail(text);
  const t = text.trim();
  if (Object.hasOwn(PHRASES, t)) return PHRASES[t] ?? null;
  const parts = t.split(/;\s*/).map((p) => (Object.hasOwn(PHRASES, p) ? PHRASES[p] : null));
  if (parts.length > 1 && parts.every((p) => p)) return parts.join('；');
  if (Object.hasOwn(CASE_STATUSES, t)) return caseStatusLabel(t);
  return null;
}
