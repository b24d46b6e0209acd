// 市公安局: the real-name check (实名核验) the parents' sign-in asks for (issue 18). A read with no effect,
// so no idempotency key: `POST /public-security/identity-checks` `{name, idNumber}` → 200 `{match: true}` or
// `{match: false, reason}`. Deterministic by the register's rules (identity.rules.ts): a well-formed ID
// whose sequence is 999 is a person the register does not know (→ `unknown_person`); an ID that is not
// well formed, or a name outside the standard character set, never matches. Any other well-formed ID
// matches any standard name (the mock keeps no register of names). Names and IDs are never logged.
import { Router } from 'express';
import { z } from 'zod';
import type { MockContext } from './context';
import { send } from './faults';
import { validationFailed, zodIssues } from './idempotency';
import { isStandardName, parseCitizenId, UNKNOWN_TO_REGISTER_SEQUENCE } from './identity.rules';

export const IdentityCheckBody = z.strictObject({
  name: z.string().max(50),
  idNumber: z.string().max(30),
});

export type IdentityCheckAnswer = { match: true } | { match: false; reason: 'invalid_id' | 'unknown_person' | 'name_mismatch' };

export function checkIdentity(name: string, idNumber: string): IdentityCheckAnswer {
  const id = parseCitizenId(idNumber.toUpperCase());
  if (!id) return { match: false, reason: 'invalid_id' };
  if (id.sequence === UNKNOWN_TO_REGISTER_SEQUENCE) return { match: false, reason: 'unknown_person' };
  if (!isStandardName(name)) return { match: false, reason: 'name_mismatch' };
  return { match: true };
}

export function identityCheckRoutes(ctx: MockContext): Router {
  const router = Router();
  router.post('/identity-checks', ctx.faults.gate('publicSecurity'), (req, res) => {
    const parsed = IdentityCheckBody.safeParse(req.body);
    if (!parsed.success) return validationFailed(res, zodIssues(parsed.error));
    send(req, res, 200, checkIdentity(parsed.data.name, parsed.data.idNumber));
  });
  return router;
}
