// Who may file which case (issue 19): a hospital files the births at the hospital; a service hall files
// the children born outside Jinan whose household is in Jinan (the application's `bornElsewhere`). And the
// GB/T 2260 check of region codes a correction sets.
import type { CaseCreateRequest, CorrectionRequest, ValidationIssue } from '../domain/case.schemas';
import { isPlausibleRegionCode } from '../domain/identity/citizen-id';
import { isKnownRegion } from '../domain/regions';
import type { FilingStaff } from './case-scope';
import { ApiError } from './errors';

const refused = (issue: ValidationIssue): ApiError =>
  new ApiError('VALIDATION_FAILED', '提交的信息有误，请按提示逐项修改', { issues: [issue] });

/** Throws 400 when the filer may not file this application: a hall only inbound cases, a hospital none. */
export function filingRules(staff: FilingStaff, application: CaseCreateRequest): void {
  if (staff.role === 'hallClerk' && application.bornElsewhere === undefined) {
    throw refused({
      path: 'bornElsewhere', code: 'INBOUND_REQUIRED',
      message: '政务服务大厅受理在济南以外出生的孩子，须填写外地出生信息（出生医院、出生地区码、出生医学证明编号）；在济南医院出生的孩子由分娩医院申报',
    });
  }
  if (staff.role === 'clerk' && application.bornElsewhere !== undefined) {
    throw refused({
      path: 'bornElsewhere', code: 'INBOUND_HALL_ONLY',
      message: '在济南以外出生的孩子请到政务服务大厅办理；医院只申报在本院出生的孩子',
    });
  }
}

const REGION_PATHS = { 'mother.hukouRegionCode': '母亲户籍地区码', 'father.hukouRegionCode': '父亲户籍地区码' } as const;

/** Region codes a correction sets that are plausible but not in the GB/T 2260 table. */
export function unknownRegionsIn(changes: CorrectionRequest['changes']): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  for (const [path, label] of Object.entries(REGION_PATHS)) {
    const value = (changes as Record<string, unknown>)[path];
    if (typeof value === 'string' && isPlausibleRegionCode(value) && !isKnownRegion(value)) {
      issues.push({ path: `changes.${path}`, code: 'REGION_UNKNOWN', message: `${label}“${value}”不在全国行政区划代码表（GB/T 2260）中，请按户口簿核对` });
    }
  }
  return issues;
}
