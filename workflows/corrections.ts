// Corrections to a running case: which fields may change, and which are frozen once an agency has acted
// on them (a printed certificate's name cannot change). Pure; used by the workflow's update validator and
// by the API before it sends the update.
import { caseCreateRequestSchema, toValidationIssues } from '../domain/case.schemas';
import type { CaseCreateRequest } from '../domain/case.schemas';
import { CORRECTABLE_FIELDS as CATALOG_FIELDS, CORRECTABLE_PATHS, fieldLabel, perService, serviceLabel, SERVICE_KEYS, SERVICES, type ServiceKey } from '../domain/catalog';
import { isCaseClosed } from '../domain/case-state';
import type { DerivedCase } from '../domain/case-state';

export type CorrectionChanges = Record<string, string | number | boolean | null>;

/** Correctable field → the service whose submission holds it (null: no service holds it). From the catalog. */
export const CORRECTABLE_FIELDS: Readonly<Record<string, ServiceKey | null>> = Object.fromEntries(
  CORRECTABLE_PATHS.map((path) => [path, CATALOG_FIELDS[path].heldBy]),
);

/** `node` with `value` at the path below it: each object on the way copied (missing ones made), the rest shared. */
function withValueAt(node: unknown, parts: readonly string[], value: CorrectionChanges[string]): unknown {
  const [head, ...rest] = parts;
  if (head === undefined) return value;
  const copy: Record<string, unknown> = node !== null && typeof node === 'object' ? { ...node } : {};
  copy[head] = withValueAt(Object.hasOwn(copy, head) ? copy[head] : undefined, rest, value);
  return copy;
}

/** A new application with the changes applied at their dotted paths (the input is not modified). */
export function applyCorrection(application: CaseCreateRequest, changes: CorrectionChanges): CaseCreateRequest {
  let next: unknown = application;
  for (const [path, value] of Object.entries(changes)) {
    // Only an own, correctable path is ever walked: never `__proto__`, `constructor` or an inherited key.
    if (!Object.hasOwn(CORRECTABLE_FIELDS, path)) throw new Error(`字段 ${path} 不可更正`);
    next = withValueAt(next, path.split('.'), value);
  }
  // The same application with correctable fields set; each value was checked by the correction schema, and
  // the merged application by the new-case schema (correctionRefusals) before any change is applied.
  return next as CaseCreateRequest;
}

// --- issue 9: corrections without races (the rules the birth case applies since patch `case-v2`) ---

/**
 * The fields the case id is derived from (api/case-identity.ts). Decided: they are not correctable on a
 * running case. The case id, the workflow id and the parents' tracking code stand for that key, and a
 * second case for the same newborn is found by it; a case whose key changed under it would no longer be
 * found. A wrong mother's ID, birth time or birth order is fixed by cancelling the case and filing it
 * again with the right data (which then gets the id duplicate detection looks for).
 */
export const CASE_KEY_FIELDS: ReadonlySet<string> = new Set(CORRECTABLE_PATHS.filter((path) => CATALOG_FIELDS[path].caseKey));

/** The fields each service sends to its agency: a correction answers a service's notice only through these. */
export const SERVICE_INPUT_FIELDS: Readonly<Record<ServiceKey, readonly string[]>> = perService((key) => SERVICES[key].inputFields);

/** A service holds its fields from submission on: in flight, under review, waiting on an operator, or done. */
const HOLDING = new Set(['submitted', 'under_review', 'needs_attention', 'completed']);

/** The services waiting on a correction notice that this change answers (it changes a field they send). */
export function servicesAnswered(paths: readonly string[], state: DerivedCase): ServiceKey[] {
  return SERVICE_KEYS.filter(
    (key) => state.services[key]?.status === 'needs_correction' && paths.some((p) => SERVICE_INPUT_FIELDS[key].includes(p)),
  );
}

export interface CorrectionClock {
  /** the workflow's now (ISO) for the future-date rules */
  now: string;
  /** the age limit as at acceptance: limit + days since the case was accepted */
  maxAgeDays: number;
}

/**
 * Every reason the change cannot be applied now (empty: it can). A
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
    const label = fieldLabel(path);
    if (CASE_KEY_FIELDS.has(path)) {
      problems.push(`${label}是办件标识的组成部分，不能更正；如有误，请撤销本办件后重新申报`);
      continue;
    }
    const owner = CORRECTABLE_FIELDS[path];
    if (!owner) continue;
    const status = state.services[owner]?.status;
    if (!status) continue; // a service not part of this case holds nothing
    if (status === 'completed') problems.push(`${SERVICES[owner].done}，${label}不可更改`);
    else if (HOLDING.has(status)) problems.push(`「${serviceLabel(owner)}」已提交机构办理，${label}暂不可更改（机构发出补正告知后可更正）`);
  }
  if (problems.length > 0) return problems;
  const merged = caseCreateRequestSchema({ now: clock.now, maxAgeDays: clock.maxAgeDays }).safeParse(applyCorrection(application, changes));
  if (!merged.success) return toValidationIssues(merged.error).map((i) => (i.path ? `${i.path}：${i.message}` : i.message));
  return [];
}
