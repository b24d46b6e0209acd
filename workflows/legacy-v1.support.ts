// Frozen with legacy-v1.ts: the correction rules cases started before patch `case-v2` run under, copied from
// corrections.ts as it stood, so that a change to the live rules never reaches those cases. Pure; imports
// nothing from live workflow code. Remove it with legacy-v1.ts.
import type { CaseCreateRequest } from '../domain/case.schemas';
// Type only: the services this frozen code knows, the bundle before issue 18.
import type { EarlierServiceKey as ServiceKey } from '../domain/catalog';
import { isCaseClosed } from '../domain/case-state';
import type { DerivedCase } from '../domain/case-state';

export type LegacyCorrectionChanges = Record<string, string | number | boolean | null>;

/** The fields these cases may correct, each with the service whose completion freezes it (as the rules stood). */
const LEGACY_FIELDS: Readonly<Record<string, { label: string; heldBy: ServiceKey | null }>> = {
  'newborn.name': { label: '新生儿姓名', heldBy: 'birthCertificate' },
  'newborn.sex': { label: '新生儿性别', heldBy: 'birthCertificate' },
  'newborn.birthAt': { label: '出生时间', heldBy: 'birthCertificate' },
  'newborn.birthWeightGrams': { label: '出生体重', heldBy: 'birthCertificate' },
  'newborn.birthOrder': { label: '孩次', heldBy: 'medicalInsurance' },
  'mother.name': { label: '母亲姓名', heldBy: 'birthCertificate' },
  'mother.idNumber': { label: '母亲身份证号', heldBy: 'birthCertificate' },
  'mother.phone': { label: '母亲手机号', heldBy: null },
  'mother.hukouRegionCode': { label: '母亲户籍地', heldBy: 'household' },
  'mother.insurance': { label: '母亲参保类型', heldBy: null },
  'mother.lowIncome': { label: '母亲低保/特困/失业金情况', heldBy: null },
  'mother.supplementGround': { label: '育儿生活补贴加发情形', heldBy: null },
  'father.name': { label: '父亲姓名', heldBy: 'birthCertificate' },
  'father.idNumber': { label: '父亲身份证号', heldBy: 'birthCertificate' },
  'father.phone': { label: '父亲手机号', heldBy: null },
  'father.hukouRegionCode': { label: '父亲户籍地', heldBy: 'household' },
  married: { label: '婚姻状况', heldBy: 'household' },
  householdOf: { label: '随父/随母落户', heldBy: 'household' },
  'delivery.method': { label: '领取方式', heldBy: 'socialSecurityCard' },
  'delivery.address': { label: '邮寄地址', heldBy: 'socialSecurityCard' },
  'delivery.recipient': { label: '收件人', heldBy: 'socialSecurityCard' },
};
const LEGACY_DONE: Readonly<Record<ServiceKey, string>> = {
  birthCertificate: '出生医学证明已签发', vaccination: '预防接种证已办结', household: '户口已登记',
  medicalInsurance: '医保已参保', socialSecurityCard: '社保卡已寄出',
};
const isLegacyField = (path: string): boolean => Object.hasOwn(LEGACY_FIELDS, path);

/** Every reason the change cannot be applied now (empty: it can): a field is frozen once its service is done. */
export function legacyCorrectionProblems(changes: LegacyCorrectionChanges, state: DerivedCase, cancelled: boolean): string[] {
  if (cancelled || isCaseClosed(state.status)) return ['办件已结束或已撤销，不能更正'];
  const paths = Object.keys(changes);
  if (paths.length === 0) return ['没有需要更正的内容'];
  const problems: string[] = [];
  for (const path of paths) {
    const field = isLegacyField(path) ? LEGACY_FIELDS[path] : undefined;
    if (!field) {
      problems.push(`字段 ${path} 不可更正`);
      continue;
    }
    if (field.heldBy && state.services[field.heldBy].status === 'completed') problems.push(`${LEGACY_DONE[field.heldBy]}，${field.label}不可更改`);
  }
  return problems;
}

/** A new application with the changes applied at their dotted paths (the input is not modified). */
export function legacyApplyCorrection(application: CaseCreateRequest, changes: LegacyCorrectionChanges): CaseCreateRequest {
  const next = JSON.parse(JSON.stringify(application)) as Record<string, unknown>;
  for (const [path, value] of Object.entries(changes)) {
    // Only an own, correctable path is ever walked: never `__proto__`, `constructor` or an inherited key.
    if (!isLegacyField(path)) throw new Error(`字段 ${path} 不可更正`);
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
