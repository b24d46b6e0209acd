// Corrections to a running case: which fields may change, and which are frozen once an agency has acted
// on them (a printed certificate's name cannot change). Pure; used by the workflow's update validator and
// by the API before it sends the update.
import { caseCreateRequestSchema, toValidationIssues } from '../domain/case.schemas';
import type { CaseCreateRequest, ServiceKey } from '../domain/case.schemas';
import { isCaseClosed } from '../domain/case-state';
import type { DerivedCase } from '../domain/case-state';

export type CorrectionChanges = Record<string, string | number | boolean | null>;

/** Correctable field → the service whose completion freezes it (null: never frozen by a service). */
export const CORRECTABLE_FIELDS: Readonly<Record<string, ServiceKey | null>> = {
  'newborn.name': 'birthCertificate',
  'newborn.sex': 'birthCertificate',
  'newborn.birthAt': 'birthCertificate',
  'newborn.birthWeightGrams': 'birthCertificate',
  'newborn.birthOrder': 'medicalInsurance',
  'mother.name': 'birthCertificate',
  'mother.idNumber': 'birthCertificate',
  'mother.phone': null,
  'mother.hukouRegionCode': 'household',
  'mother.insurance': null,
  'mother.lowIncome': null,
  'mother.supplementGround': null,
  'father.name': 'birthCertificate',
  'father.idNumber': 'birthCertificate',
  'father.phone': null,
  'father.hukouRegionCode': 'household',
  married: 'household',
  householdOf: 'household',
  'delivery.method': 'socialSecurityCard',
  'delivery.address': 'socialSecurityCard',
  'delivery.recipient': 'socialSecurityCard',
};

const FIELD_NAMES: Record<string, string> = {
  'newborn.name': '新生儿姓名', 'newborn.sex': '新生儿性别', 'newborn.birthAt': '出生时间',
  'newborn.birthWeightGrams': '出生体重', 'newborn.birthOrder': '孩次', 'mother.name': '母亲姓名',
  'mother.idNumber': '母亲身份证号', 'mother.phone': '母亲手机号', 'mother.hukouRegionCode': '母亲户籍地',
  'mother.insurance': '母亲参保类型', 'mother.lowIncome': '母亲低保/特困/失业金情况',
  'mother.supplementGround': '育儿生活补贴加发情形', 'father.name': '父亲姓名',
  'father.idNumber': '父亲身份证号', 'father.phone': '父亲手机号', 'father.hukouRegionCode': '父亲户籍地',
  married: '婚姻状况', householdOf: '随父/随母落户', 'delivery.method': '领取方式',
  'delivery.address': '邮寄地址', 'delivery.recipient': '收件人',
};
const SERVICE_NAMES: Record<ServiceKey, string> = {
  birthCertificate: '出生医学证明已签发', vaccination: '预防接种证已办结', household: '户口已登记',
  medicalInsurance: '医保已参保', socialSecurityCard: '社保卡已寄出',
};

/** Every reason the change cannot be applied now (empty: it can). Messages are for the clerk. */
export function correctionProblems(changes: CorrectionChanges, state: DerivedCase, cancelled: boolean): string[] {
  if (cancelled || isCaseClosed(state.status)) return ['办件已结束或已撤销，不能更正'];
  const paths = Object.keys(changes);
  if (paths.length === 0) return ['没有需要更正的内容'];
  const problems: string[] = [];
  for (const path of paths) {
    if (!Object.hasOwn(CORRECTABLE_FIELDS, path)) {
      problems.push(`字段 ${path} 不可更正`);
      continue;
    }
    const freezer = CORRECTABLE_FIELDS[path];
    if (freezer && state.services[freezer].status === 'completed') {
      problems.push(`${SERVICE_NAMES[freezer]}，${FIELD_NAMES[path] ?? path}不可更改`);
    }
  }
  return problems;
}

/** A new application with the changes applied at their dotted paths (the input is not modified). */
export function applyCorrection(application: CaseCreateRequest, changes: CorrectionChanges): CaseCreateRequest {
  const next = JSON.parse(JSON.stringify(application)) as Record<string, unknown>;
  for (const [path, value] of Object.entries(changes)) {
    // Only an own, correctable path is ever walked: never `__proto__`, `constructor` or an inherited key.
    if (!Object.hasOwn(CORRECTABLE_FIELDS, path)) throw new Error(`字段 ${path} 不可更正`);
    const parts = path.split('.');
    let target = next;
    for (const part of parts.slice(0, -1)) {
      const child = Object.hasOwn(target, part) ? target[part] : undefined;
      if (child === null || typeof child !== 'object') target[part] = {};
      target = target[part] as Record<string, unknown>;
    }
    target[parts[parts.length - 1] as string] = value;
  }
  return next as unknown as CaseCreateRequest;
}

// --- issue 9: corrections without races (the rules the birth case applies since patch `case-v2`) ---

/**
 * The fields the case id is derived from (api/case-identity.ts). Decided: they are not correctable on a
 * running case. The case id, the workflow id and the parents' tracking code stand for that key, and a
 * second case for the same newborn is found by it; a case whose key changed under it would no longer be
 * found. A wrong mother's ID, birth time or birth order is fixed by cancelling the case and filing it
 * again with the right data (which then gets the id duplicate detection looks for).
 */
export const CASE_KEY_FIELDS: ReadonlySet<string> = new Set(['mother.idNumber', 'newborn.birthAt', 'newborn.birthOrder']);

/** The fields each service sends to its agency: a correction answers a service's notice only through these. */
export const SERVICE_INPUT_FIELDS: Readonly<Record<ServiceKey, readonly string[]>> = {
  birthCertificate: ['newborn.name', 'newborn.sex', 'newborn.birthAt', 'newborn.birthWeightGrams', 'mother.name', 'mother.idNumber', 'mother.hukouRegionCode', 'father.name', 'father.idNumber', 'father.hukouRegionCode'],
  vaccination: ['newborn.name', 'newborn.sex', 'newborn.birthAt', 'mother.name', 'mother.idNumber', 'mother.hukouRegionCode'],
  household: ['newborn.name', 'newborn.sex', 'newborn.birthAt', 'mother.name', 'mother.idNumber', 'mother.hukouRegionCode', 'father.name', 'father.idNumber', 'father.hukouRegionCode', 'married', 'householdOf'],
  medicalInsurance: ['newborn.name', 'newborn.birthAt', 'newborn.birthOrder'],
  socialSecurityCard: ['newborn.name', 'delivery.method', 'delivery.address', 'delivery.recipient'],
};

/** A service holds its fields from submission on: in flight, under review, waiting on an operator, or done. */
const HOLDING = new Set(['submitted', 'under_review', 'needs_attention', 'completed']);

/** The services waiting on a correction notice that this change answers (it changes a field they send). */
export function servicesAnswered(paths: readonly string[], state: DerivedCase): ServiceKey[] {
  return (Object.keys(SERVICE_INPUT_FIELDS) as ServiceKey[]).filter(
    (key) => state.services[key].status === 'needs_correction' && paths.some((p) => SERVICE_INPUT_FIELDS[key].includes(p)),
  );
}

export interface CorrectionClock {
  /** the workflow's now (ISO) for the future-date rules */
  now: string;
  /** the age limit as at acceptance: limit + days since the case was accepted */
  maxAgeDays: number;
}

/**
 * Every reason the change cannot be applied now (empty: it can). Stricter than correctionProblems: a
 * field is frozen from the moment the service that owns it is submitted until a correction notice for
 * that service reopens it; key fields never change; the merged application must pass the same schema,
 * with the same clock rules, as a new case.
 */
export function correctionRefusals(changes: CorrectionChanges, state: DerivedCase, cancelled: boolean, application: CaseCreateRequest, clock: CorrectionClock): string[] {
  if (cancelled || isCaseClosed(state.status)) return ['办件已结束或已撤销，不能更正'];
  const paths = Object.keys(changes);
  if (paths.length === 0) return ['没有需要更正的内容'];
  const problems: string[] = [];
  for (const path of paths) {
    if (!Object.hasOwn(CORRECTABLE_FIELDS, path)) {
      problems.push(`字段 ${path} 不可更正`);
      continue;
    }
    const label = Object.hasOwn(FIELD_NAMES, path) ? FIELD_NAMES[path] : path;
    if (CASE_KEY_FIELDS.has(path)) {
      problems.push(`${label}是办件标识的组成部分，不能更正；如有误，请撤销本办件后重新申报`);
      continue;
    }
    const owner = CORRECTABLE_FIELDS[path];
    if (!owner) continue;
    const status = state.services[owner].status;
    if (status === 'completed') problems.push(`${SERVICE_NAMES[owner]}，${label}不可更改`);
    else if (HOLDING.has(status)) problems.push(`「${SERVICE_TITLES[owner]}」已提交机构办理，${label}暂不可更改（机构发出补正告知后可更正）`);
  }
  if (problems.length > 0) return problems;
  const merged = caseCreateRequestSchema({ now: clock.now, maxAgeDays: clock.maxAgeDays }).safeParse(applyCorrection(application, changes));
  if (!merged.success) return toValidationIssues(merged.error).map((i) => (i.path ? `${i.path}：${i.message}` : i.message));
  return [];
}

const SERVICE_TITLES: Record<ServiceKey, string> = {
  birthCertificate: '出生医学证明', vaccination: '预防接种证', household: '户口登记', medicalInsurance: '医保参保', socialSecurityCard: '社保卡',
};
