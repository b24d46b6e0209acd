// Corrections to a running case: which fields may change, and which are frozen once an agency has acted
// on them (a printed certificate's name cannot change). Pure; used by the workflow's update validator and
// by the API before it sends the update.
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
    if (!(path in CORRECTABLE_FIELDS)) {
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
    const parts = path.split('.');
    let target = next;
    for (const part of parts.slice(0, -1)) {
      const child = target[part];
      if (child === null || typeof child !== 'object') target[part] = {};
      target = target[part] as Record<string, unknown>;
    }
    target[parts[parts.length - 1] as string] = value;
  }
  return next as unknown as CaseCreateRequest;
}
