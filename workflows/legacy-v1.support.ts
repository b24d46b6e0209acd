// Frozen with legacy-v1.ts: the correction rules cases started before patch `case-v2` run under, copied from
// corrections.ts as it stood, so that a change to the live rules never reaches those cases. Pure; imports
// nothing from live workflow code. Remove it with legacy-v1.ts.
import type { CaseCreateRequest } from '../domain/case.schemas';
import { CORRECTABLE_FIELDS, fieldLabel, isCorrectablePath, SERVICES } from '../domain/catalog';
import { isCaseClosed } from '../domain/case-state';
import type { DerivedCase } from '../domain/case-state';

export type LegacyCorrectionChanges = Record<string, string | number | boolean | null>;

/** Every reason the change cannot be applied now (empty: it can): a field is frozen once its service is done. */
export function legacyCorrectionProblems(changes: LegacyCorrectionChanges, state: DerivedCase, cancelled: boolean): string[] {
  if (cancelled || isCaseClosed(state.status)) return ['办件已结束或已撤销，不能更正'];
  const paths = Object.keys(changes);
  if (paths.length === 0) return ['没有需要更正的内容'];
  const problems: string[] = [];
  for (const path of paths) {
    if (!isCorrectablePath(path)) {
      problems.push(`字段 ${path} 不可更正`);
      continue;
    }
    const freezer = CORRECTABLE_FIELDS[path].heldBy;
    if (freezer && state.services[freezer].status === 'completed') problems.push(`${SERVICES[freezer].done}，${fieldLabel(path)}不可更改`);
  }
  return problems;
}

/** A new application with the changes applied at their dotted paths (the input is not modified). */
export function legacyApplyCorrection(application: CaseCreateRequest, changes: LegacyCorrectionChanges): CaseCreateRequest {
  const next = JSON.parse(JSON.stringify(application)) as Record<string, unknown>;
  for (const [path, value] of Object.entries(changes)) {
    // Only an own, correctable path is ever walked: never `__proto__`, `constructor` or an inherited key.
    if (!isCorrectablePath(path)) throw new Error(`字段 ${path} 不可更正`);
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
