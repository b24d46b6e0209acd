// Who a staff member is, as this system sees it: a role and the organisation it acts for. Mapped from an
// identity provider's claims (api/oidc-client.ts); the route guards (api/auth.ts) admit by role.
import { z } from 'zod';

export const StaffClaims = z.discriminatedUnion('role', [
  z.object({ sub: z.string().min(1), role: z.literal('clerk'), hospitalId: z.string().min(1) }),
  z.object({ sub: z.string().min(1), role: z.literal('officer'), agency: z.string().min(1) }),
  z.object({ sub: z.string().min(1), role: z.literal('admin') }),
  // 政务服务中心窗口: a service hall's clerk. No route admits this role yet (a later issue gives it its desk).
  z.object({ sub: z.string().min(1), role: z.literal('hallClerk'), hallId: z.string().min(1) }),
]);
export type StaffClaims = z.infer<typeof StaffClaims>;
export type StaffRole = StaffClaims['role'];
export const STAFF_ROLES = ['clerk', 'officer', 'admin', 'hallClerk'] as const satisfies readonly StaffRole[];
