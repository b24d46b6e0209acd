// Which cases a filing staff member owns (issue 19). A hospital clerk files and reads the cases of its
// hospital; a service-hall clerk (政务服务大厅窗口, role hallClerk) files the cases of children born outside
// Jinan and reads those its hall filed. A hall's cases carry `HALL:<hallId>` where a hospital's carry the
// hospital id: the same case field, memo and search attribute (BirthCaseHospitalId), so lists, reads,
// duplicates and the dashboard scope a hall exactly as a hospital, with no new search attribute to
// register and no workflow change. Hospital ids are H + 4 digits, so the two never meet; a clerk whose
// claimed hospital id looks like a hall's is given no cases at all.
import type { StaffClaims } from './staff-claims';

export const HALL_SCOPE_PREFIX = 'HALL:';

/** The case field value of a hall's cases. */
export const hallScope = (hallId: string): string => `${HALL_SCOPE_PREFIX}${hallId}`;

/** The hall that filed a case, from its hospitalId field; null for a hospital's case. */
export function hallOfScope(scope: string): string | null {
  return scope.startsWith(HALL_SCOPE_PREFIX) ? scope.slice(HALL_SCOPE_PREFIX.length) : null;
}

/** Never a case's scope: a hospital clerk with a hall-like id reads nothing. */
const NOTHING = '\u0000none';

/**
 * The scope a staff member files into and reads within; null for the admin (every case) and for an
 * officer (whose reads are decided by its reviews, not by a scope).
 */
export function scopeOf(staff: StaffClaims): string | null {
  switch (staff.role) {
    case 'clerk':
      return hallOfScope(staff.hospitalId) === null ? staff.hospitalId : NOTHING;
    case 'hallClerk':
      return hallScope(staff.hallId);
    default:
      return null;
  }
}

/** The filing roles: a hospital clerk or a hall clerk. */
export type FilingStaff = Extract<StaffClaims, { role: 'clerk' | 'hallClerk' }>;
export const isFilingStaff = (staff: StaffClaims): staff is FilingStaff => staff.role === 'clerk' || staff.role === 'hallClerk';
