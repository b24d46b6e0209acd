// The catalog: every fact of the bundle that code, the API, the mock agencies and the pages share, each
// written once. Services (order, prerequisite, agency, labels, the fields each sends, the shape of its
// result), the case and service statuses, the closed set, the agencies, the correctable fields and the
// policy condition codes. `as const` tables; the zod enums and the types are derived from them.
// Pure and free of Node: the workflow bundle and the web pages import it.
import { z } from 'zod';

/** A table's keys in their written order, typed as its keys (a table here has at least one entry). */
const keysOf = <T extends Record<string, unknown>>(table: T): readonly [keyof T & string, ...Array<keyof T & string>] =>
  Object.keys(table) as [keyof T & string, ...Array<keyof T & string>];

// ---- agencies ------------------------------------------------------------------------------------

/** The agencies, as named in fault settings, callbacks, activity options, record counts and the audit. */
export const AGENCIES = {
  healthCommission: { label: '市卫生健康委' },
  vaccination: { label: '预防接种单位' },
  publicSecurity: { label: '市公安局' },
  medicalSecurity: { label: '市医保局' },
  humanResources: { label: '市人社局' },
  sms: { label: '政务短信平台' },
  // Issue 19: the government-service platform's 跨域通办 channel to other places' agencies (carries no service of its own).
  exchange: { label: '跨域通办平台' },
} as const;
export type AgencyName = keyof typeof AGENCIES;
export const AGENCY_NAMES = keysOf(AGENCIES);
export const AgencyNameSchema = z.enum(AGENCY_NAMES);
export const agencyLabel = (agency: AgencyName): string => AGENCIES[agency].label;

// ---- services ------------------------------------------------------------------------------------

/** What each service's agency answered, as the case keeps it (`service.completed` → `data.result`). */
export const ServiceResults = {
  // source: the parents registered online (the case linked their registration) or the case registered them.
  familyRegistration: z.object({ registrationNumber: z.string(), childrenOnRecord: z.number().int().nonnegative(), source: z.enum(['online', 'case']) }),
  birthCertificate: z.object({ certificateNumber: z.string() }),
  vaccination: z.object({ certificateNumber: z.string(), nextDoses: z.array(z.unknown()).optional() }),
  household: z.object({ citizenId: z.string(), regionCode: z.string() }),
  // premium null: the agency has not published that year's figure (premiumNotPublished says which year).
  medicalInsurance: z.object({ enrolmentNumber: z.string(), enrolledOn: z.string(), premium: z.number().nullable().optional(), premiumNotPublished: z.object({ year: z.number().int(), message: z.string() }).optional(), waived: z.boolean().optional() }),
  socialSecurityCard: z.object({ applicationNumber: z.string(), cardNumber: z.string().nullish(), trackingNumber: z.string().nullish() }),
} as const;

/**
 * The six services in the bundle's order (生育登记 first, since issue 18). `label` is what clerks and parents read; `done` is the sentence
 * a correction refusal says once the service is done; `inputFields` are the fields it sends to its agency
 * (a correction answers its notice only through these).
 */
export const SERVICES = {
  // Issue 18: the parents' 生育登记, linked from their online registration or made by the case (first in
  // the chain: it sends the children born before this delivery, from the birth order). Added while cases
  // were running: see LATER_SERVICES.
  familyRegistration: {
    label: '生育登记', done: '生育登记已办结', agency: 'healthCommission', prerequisite: null,
    inputFields: ['mother.name', 'mother.idNumber', 'mother.phone', 'mother.hukouRegionCode', 'father.name', 'father.idNumber', 'father.phone', 'father.hukouRegionCode', 'married', 'householdOf', 'newborn.birthAt', 'newborn.birthOrder', 'newborn.multipleBirth.children', 'newborn.multipleBirth.position'],
  },
  birthCertificate: {
    label: '出生医学证明', done: '出生医学证明已签发', agency: 'healthCommission', prerequisite: null,
    inputFields: ['newborn.name', 'newborn.sex', 'newborn.birthAt', 'newborn.birthWeightGrams', 'mother.name', 'mother.idNumber', 'mother.hukouRegionCode', 'father.name', 'father.idNumber', 'father.hukouRegionCode'],
  },
  vaccination: {
    label: '预防接种证', done: '预防接种证已办结', agency: 'vaccination', prerequisite: null,
    inputFields: ['newborn.name', 'newborn.sex', 'newborn.birthAt', 'mother.name', 'mother.idNumber', 'mother.hukouRegionCode'],
  },
  household: {
    label: '户口登记', done: '户口已登记', agency: 'publicSecurity', prerequisite: 'birthCertificate',
    inputFields: ['newborn.name', 'newborn.sex', 'newborn.birthAt', 'mother.name', 'mother.idNumber', 'mother.hukouRegionCode', 'father.name', 'father.idNumber', 'father.hukouRegionCode', 'married', 'householdOf'],
  },
  medicalInsurance: {
    label: '居民医保参保登记', done: '医保已参保', agency: 'medicalSecurity', prerequisite: 'household',
    inputFields: ['newborn.name', 'newborn.birthAt', 'newborn.birthOrder'],
  },
  socialSecurityCard: {
    label: '社保卡申领', done: '社保卡已寄出', agency: 'humanResources', prerequisite: 'medicalInsurance',
    inputFields: ['newborn.name', 'delivery.method', 'delivery.address', 'delivery.recipient'],
  },
} as const satisfies Record<keyof typeof ServiceResults, {
  label: string; done: string; agency: Exclude<AgencyName, 'sms'>; prerequisite: keyof typeof ServiceResults | null; inputFields: readonly string[];
}>;
export type ServiceKey = keyof typeof SERVICES;
/** The services in the bundle's order (the order of the object above). */
export const SERVICE_KEYS = keysOf(SERVICES);
export const ServiceKeySchema = z.enum(SERVICE_KEYS);
export type ServiceResult<K extends ServiceKey> = z.infer<(typeof ServiceResults)[K]>;
/** The agencies that carry a service (and take compensation requests): every one but the SMS gateway. */
export type ServiceAgency = (typeof SERVICES)[ServiceKey]['agency'];

/**
 * Services added to the bundle while cases were running (issue 18, patch `family-registration`). A case
 * accepted before knows nothing of them: its `case.accepted` entry names no `bundle`, and they are not part
 * of it (absent from its derived services, its status, its views and its compensation).
 */
export const LATER_SERVICES = ['familyRegistration'] as const satisfies readonly ServiceKey[];
export type LaterServiceKey = (typeof LATER_SERVICES)[number];
export const isLaterService = (key: ServiceKey): key is LaterServiceKey => (LATER_SERVICES as readonly ServiceKey[]).includes(key);
/** The bundle of a case accepted before the later services (its `case.accepted` names none). */
export const EARLIER_BUNDLE: readonly ServiceKey[] = SERVICE_KEYS.filter((k) => !isLaterService(k));
/** One value per service of a case: a later service is absent from a case accepted before it. */
export type CaseServices<T> = { [K in EarlierServiceKey]: T } & { [K in LaterServiceKey]?: T };
/** The services every case has (the bundle before the later services; the frozen legacy code knows these only). */
export type EarlierServiceKey = Exclude<ServiceKey, LaterServiceKey>;

/** Compensation runs from the last service to the first. */
export const COMPENSATION_ORDER: readonly ServiceKey[] = [...SERVICE_KEYS].reverse();
export const serviceLabel = (key: ServiceKey): string => SERVICES[key].label;
export const serviceAgency = (key: ServiceKey): ServiceAgency => SERVICES[key].agency;
export const isServiceKey = (key: unknown): key is ServiceKey => typeof key === 'string' && Object.hasOwn(SERVICES, key);
/** One value per service, made by `f` (counters, empty lists). */
export const perService = <T>(f: (key: ServiceKey) => T): Record<ServiceKey, T> => {
  const out: Partial<Record<ServiceKey, T>> = {};
  for (const k of SERVICE_KEYS) out[k] = f(k);
  return out as Record<ServiceKey, T>;
};

// ---- statuses ------------------------------------------------------------------------------------

type Tone = 'primary' | 'success' | 'warning' | 'danger' | 'info';

/** A case's status, derived from its log (domain/case-state.ts). `closed`: nothing more happens to it. */
export const CASE_STATUSES = {
  accepted: { label: '已受理', tone: 'primary', closed: false },
  in_progress: { label: '办理中', tone: 'primary', closed: false },
  action_required: { label: '待补正', tone: 'warning', closed: false },
  completed: { label: '已办结', tone: 'success', closed: true },
  partially_completed: { label: '部分办结', tone: 'warning', closed: true },
  cancelled: { label: '已撤销', tone: 'info', closed: true },
} as const satisfies Record<string, { label: string; tone: Tone; closed: boolean }>;
export type CaseStatus = keyof typeof CASE_STATUSES;
export const CASE_STATUS_KEYS = keysOf(CASE_STATUSES);
export const CaseStatusSchema = z.enum(CASE_STATUS_KEYS);
export const CLOSED_CASE_STATUSES: readonly CaseStatus[] = CASE_STATUS_KEYS.filter((s) => CASE_STATUSES[s].closed);
export const isCaseClosed = (s: CaseStatus): boolean => CASE_STATUSES[s].closed;
/**
 * Values the list filter has accepted since contract v1 that no case ever had (a `rejected` case status
 * was listed but never produced). Still accepted as a filter, so no client breaks; they match nothing.
 */
export const RETIRED_CASE_STATUS_FILTERS = ['rejected'] as const;

/** A service's status. `terminal`: the service has ended. */
export const SERVICE_STATUSES = {
  pending: { label: '等待办理', tone: 'info', terminal: false },
  submitted: { label: '已提交，办理中', tone: 'primary', terminal: false },
  under_review: { label: '人工审核中', tone: 'warning', terminal: false },
  needs_correction: { label: '待更正', tone: 'warning', terminal: false },
  /** an agency answer nobody planned for: the case waits for a clerk or operator to retry or close it */
  needs_attention: { label: '需人工关注', tone: 'danger', terminal: false },
  completed: { label: '已办结', tone: 'success', terminal: true },
  refused: { label: '未通过', tone: 'danger', terminal: true },
  skipped: { label: '未申请', tone: 'info', terminal: true },
  cancelled: { label: '已撤销', tone: 'info', terminal: true },
} as const satisfies Record<string, { label: string; tone: Tone; terminal: boolean }>;
export type ServiceStatus = keyof typeof SERVICE_STATUSES;
export const SERVICE_STATUS_KEYS = keysOf(SERVICE_STATUSES);
export const ServiceStatusSchema = z.enum(SERVICE_STATUS_KEYS);
export const isTerminal = (s: ServiceStatus): boolean => SERVICE_STATUSES[s].terminal;

/** Who is waited on (the `BirthCaseWaitingOn` search attribute, the dashboard). */
export const WAITING_ON = {
  parent: { label: '等待家长' },
  clerk: { label: '等待登记员' },
  officer: { label: '等待部门审核' },
  agency: { label: '等待部门系统' },
} as const;
export type WaitingOn = keyof typeof WAITING_ON;
export const WAITING_ON_KEYS = keysOf(WAITING_ON);
export const WaitingOnSchema = z.enum(WAITING_ON_KEYS);

// ---- fields --------------------------------------------------------------------------------------

/**
 * The application's fields a correction may name: what people read, and the service whose submission
 * holds the field (null: no service holds it). Key fields (`caseKey`) make up the case id and are never
 * correctable on a running case (see workflows/corrections.ts).
 */
export const CORRECTABLE_FIELDS = {
  'newborn.name': { label: '新生儿姓名', heldBy: 'birthCertificate', caseKey: false },
  'newborn.sex': { label: '新生儿性别', heldBy: 'birthCertificate', caseKey: false },
  'newborn.birthAt': { label: '出生时间', heldBy: 'birthCertificate', caseKey: true },
  'newborn.birthWeightGrams': { label: '出生体重', heldBy: 'birthCertificate', caseKey: false },
  'newborn.birthOrder': { label: '孩次', heldBy: 'medicalInsurance', caseKey: true },
  // A multiple birth is checked against the birth order (a k-th-born twin is at least the k-th child) and
  // decides the family's benefits, final once the child is enrolled: held, like the birth order, by the
  // medical-insurance submission. No agency is sent it, so a correction wakes no service.
  'newborn.multipleBirth.children': { label: '本次分娩孩子数', heldBy: 'medicalInsurance', caseKey: false },
  'newborn.multipleBirth.position': { label: '本孩子是第几个出生', heldBy: 'medicalInsurance', caseKey: false },
  'mother.name': { label: '母亲姓名', heldBy: 'birthCertificate', caseKey: false },
  'mother.idNumber': { label: '母亲身份证号码', heldBy: 'birthCertificate', caseKey: true },
  'mother.phone': { label: '母亲手机号码', heldBy: null, caseKey: false },
  'mother.hukouRegionCode': { label: '母亲户籍地区码', heldBy: 'household', caseKey: false },
  'mother.insurance': { label: '母亲参保类型', heldBy: null, caseKey: false },
  'mother.lowIncome': { label: '母亲低保/特困/失业金情况', heldBy: null, caseKey: false },
  'mother.supplementGround': { label: '育儿生活补贴加发情形', heldBy: null, caseKey: false },
  'father.name': { label: '父亲姓名', heldBy: 'birthCertificate', caseKey: false },
  'father.idNumber': { label: '父亲身份证号码', heldBy: 'birthCertificate', caseKey: false },
  'father.phone': { label: '父亲手机号码', heldBy: null, caseKey: false },
  'father.hukouRegionCode': { label: '父亲户籍地区码', heldBy: 'household', caseKey: false },
  married: { label: '婚姻状况', heldBy: 'household', caseKey: false },
  householdOf: { label: '随父/随母落户', heldBy: 'household', caseKey: false },
  'delivery.method': { label: '领取方式', heldBy: 'socialSecurityCard', caseKey: false },
  'delivery.address': { label: '邮寄地址', heldBy: 'socialSecurityCard', caseKey: false },
  'delivery.recipient': { label: '收件人', heldBy: 'socialSecurityCard', caseKey: false },
} as const satisfies Record<string, { label: string; heldBy: ServiceKey | null; caseKey: boolean }>;
export type CorrectablePath = keyof typeof CORRECTABLE_FIELDS;
export const CORRECTABLE_PATHS = keysOf(CORRECTABLE_FIELDS);
export const isCorrectablePath = (path: unknown): path is CorrectablePath => typeof path === 'string' && Object.hasOwn(CORRECTABLE_FIELDS, path);
export const fieldLabel = (path: string): string => (isCorrectablePath(path) ? CORRECTABLE_FIELDS[path].label : path);

// ---- policy --------------------------------------------------------------------------------------

/** Why a benefit is not granted: the stable codes a decision's `failed[].code` carries, with their labels. */
export const POLICY_CONDITIONS = {
  BIRTH_ORDER_NOT_ELIGIBLE: { label: '孩次不符合条件' },
  BORN_BEFORE_ELIGIBLE_DATE: { label: '出生日期早于政策起始日' },
  NO_RULE_FOR_BIRTH_DATE: { label: '出生日期无适用政策' },
  ENROLMENT_NOT_IN_JINAN: { label: '未在济南参保' },
  ENROLMENT_BEFORE_BIRTH: { label: '参保日期早于出生日期' },
  ENROLMENT_AFTER_DEADLINE: { label: '超过参保期限' },
  MOTHER_NOT_INSURED: { label: '母亲未参保' },
  HUKOU_NOT_JINAN: { label: '非本市户籍' },
} as const;
export type PolicyConditionCode = keyof typeof POLICY_CONDITIONS;
export const POLICY_CONDITION_CODES = keysOf(POLICY_CONDITIONS);
export const PolicyConditionCodeSchema = z.enum(POLICY_CONDITION_CODES);

/**
 * Why a case lost the premium waiver (the `BirthCaseWaiverLostReason` search attribute, the dashboard):
 * a failed condition of the decision, or NOT_ENROLLED — the case closed while the waiver still waited on
 * the child's enrolment (not a policy condition: nothing failed, the enrolment never came).
 */
export const WAIVER_LOST_REASONS = {
  ...POLICY_CONDITIONS,
  NOT_ENROLLED: { label: '未完成参保登记' },
} as const;
export type WaiverLostReason = keyof typeof WAIVER_LOST_REASONS;
export const isWaiverLostReason = (code: unknown): code is WaiverLostReason => typeof code === 'string' && Object.hasOwn(WAIVER_LOST_REASONS, code);

// ---- family registration (生育登记, issue 18) -------------------------------------------------------

/** A family registration's status (workflows/family-registration.contract.ts). `closed`: nothing more happens to it. */
export const REGISTRATION_STATUSES = {
  registered: { label: '已登记', tone: 'primary', closed: false },
  born: { label: '已生育', tone: 'success', closed: true },
  withdrawn: { label: '已撤回', tone: 'info', closed: true },
  expired: { label: '已过期', tone: 'info', closed: true },
} as const satisfies Record<string, { label: string; tone: Tone; closed: boolean }>;
export type RegistrationStatusKey = keyof typeof REGISTRATION_STATUSES;
export const REGISTRATION_STATUS_KEYS = keysOf(REGISTRATION_STATUSES);
export const RegistrationStatusSchema = z.enum(REGISTRATION_STATUS_KEYS);

// ---- where an item is handled (异地通办, issue 19) ---------------------------------------------------

/**
 * The channel an item goes through: here in Jinan, or through the government-service platform's 跨域通办
 * exchange to another place in Shandong or in another province. `serviceLevelDays`: how long that channel
 * usually takes to answer (what clerks and parents are told, and when a wait is escalated); the mock
 * exchange and the case settings may scale it in development and tests.
 */
export const CHANNELS = {
  local: { label: '济南本地办理', serviceLevelDays: null },
  inProvince: { label: '省内跨域通办', serviceLevelDays: 5 },
  crossProvince: { label: '跨省通办', serviceLevelDays: 10 },
} as const satisfies Record<string, { label: string; serviceLevelDays: number | null }>;
export type Channel = keyof typeof CHANNELS;
export const CHANNEL_KEYS = keysOf(CHANNELS);
export const ChannelSchema = z.enum(CHANNEL_KEYS);
export type ExchangeChannel = Exclude<Channel, 'local'>;
