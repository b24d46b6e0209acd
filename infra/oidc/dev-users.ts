// The development identity provider's users: a clerk per hospital, an officer per agency, an admin and a
// service-hall clerk per hall. Their ids are their `sub`; their claims are what the API maps to a staff
// member (role and organisation). Every development user signs in with the one development password.
import { AGENCY_NAMES, agencyLabel } from '../../domain/catalog';
import type { AgencyName } from '../../domain/catalog';

export const STAFF_ROLES = ['clerk', 'officer', 'admin', 'hallClerk'] as const;
export type StaffRoleClaim = (typeof STAFF_ROLES)[number];

/** The claims a token carries about a staff member (scope `staff`, and every access token for the API). */
export interface StaffClaimSet {
  role: StaffRoleClaim;
  hospitalId?: string;
  agency?: string;
  hallId?: string;
}

export interface DevUser {
  /** sign-in name and `sub` */
  id: string;
  /** shown on the sign-in page and in the `name` claim (scope `profile`) */
  name: string;
  claims: StaffClaimSet;
}

/** The agencies an officer can belong to: every agency with a service (the SMS gateway and the cross-region exchange have no officers). */
export const OFFICER_AGENCIES = AGENCY_NAMES.filter((a): a is Exclude<AgencyName, 'sms' | 'exchange'> => a !== 'sms' && a !== 'exchange');

export interface DevUserSeeds {
  hospitals: readonly string[];
  halls: readonly string[];
}
export const DEFAULT_SEEDS: DevUserSeeds = { hospitals: ['H0001', 'H0002'], halls: ['JN-HALL-01'] };

export function devUsers(seeds: DevUserSeeds = DEFAULT_SEEDS): DevUser[] {
  return [
    ...seeds.hospitals.map((h) => ({ id: `clerk.${h}`, name: `医院登记员（${h}）`, claims: { role: 'clerk' as const, hospitalId: h } })),
    ...OFFICER_AGENCIES.map((a) => ({ id: `officer.${a}`, name: `部门审核员（${agencyLabel(a)}）`, claims: { role: 'officer' as const, agency: a } })),
    { id: 'admin', name: '运维管理员', claims: { role: 'admin' as const } },
    ...seeds.halls.map((h) => ({ id: `hall.${h}`, name: `政务服务大厅窗口人员（${h}）`, claims: { role: 'hallClerk' as const, hallId: h } })),
  ];
}

/**
 * The id of the development user with this role and organisation (`npm run token -- --role clerk
 * --hospital H0001` → `clerk.H0001`); the provider knows it if it was seeded. Null when the role's
 * organisation is missing.
 */
export function devUserId(want: { role: StaffRoleClaim; hospitalId?: string; agency?: string; hallId?: string }): string | null {
  switch (want.role) {
    case 'clerk':
      return want.hospitalId ? `clerk.${want.hospitalId}` : null;
    case 'officer':
      return want.agency ? `officer.${want.agency}` : null;
    case 'hallClerk':
      return want.hallId ? `hall.${want.hallId}` : null;
    case 'admin':
      return 'admin';
  }
}
