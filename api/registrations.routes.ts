// The family registration's routes (生育登记, issue 18).
// Parents (signed in by SMS code, api/parent-session.ts), under /api/parent/registrations:
//   POST /                              FamilyRegistrationRequest → 201 RegistrationView | 400 | 409 conflicts | 409 one open
//   GET  /                              → {items}: linked to the session's phone or to its real-name ID
//   GET  /{registrationId}              → RegistrationView, or 404 (the same for another family's)
//   PUT  /{registrationId}              FamilyRegistrationRequest (in full) → RegistrationView
//   POST /{registrationId}/withdrawal   {reason} → RegistrationView
// To register, amend or withdraw, the parent must be real-name verified and be the mother or the father
// named (by the keyed hash of the ID number), registering with the phone they signed in with.
// A registration is a parent's to read when it names the session's phone or real-name ID as the mother's
// or the father's (a stray link alone shows nothing).
// Staff, under /api/registrations: POST /lookup {motherIdNumber} (clerk) → {registration} or 404; the read
// is recorded in the access log (view `registration`).
import { Router } from 'express';
import type { Request, RequestHandler } from 'express';
import type { Actor } from '../domain/case-log';
import { familyRegistrationRequestSchema } from '../domain/family-registration';
import { toShanghaiIso } from '../domain/dates';
import type { Config } from '../infra/config';
import type { FamilyRegistrationRequest, RegistrationState } from '../workflows/family-registration.contract';
import type { ReadRecorder } from './access';
import { requireStaff, staffAuth } from './auth';
import { personKey } from './case-identity';
import { ApiError } from './errors';
import type { ParentLinks } from './parent-links';
import { parentOf } from './parent-session';
import type { SignedInParent } from './parent-session';
import { closedError, conflictError, type RegistrationRepository } from './registration-repository';
import { registrationView, RegistrationLookupRequest, WithdrawalRequest } from './registration-views';
import { parseBody } from './validation';

export interface RegistrationRoutesDeps {
  registrations: RegistrationRepository;
  links: ParentLinks;
  config: Config;
  now: () => Date;
}

/** The most registrations listed (a family has a handful). */
export const PARENT_REGISTRATIONS_LISTED = 20;

const notFound = (): ApiError => new ApiError('NOT_FOUND', '未找到该生育登记');

type Role = 'mother' | 'father';

export function parentRegistrationRoutes(deps: RegistrationRoutesDeps): Router {
  const router = Router();
  const { registrations } = deps;
  const key = (kind: 'phone' | 'idNumber', value: string): string => personKey(kind, value, deps.config.CASE_ID_SECRET);
  const parse = (body: unknown): FamilyRegistrationRequest => parseBody(familyRegistrationRequestSchema({ now: toShanghaiIso(deps.now().getTime()) }), body);

  /** Whether the registration names this parent (phone or real-name ID) as its mother or father. */
  const names = (request: FamilyRegistrationRequest, parent: SignedInParent): boolean =>
    [request.mother, request.father].some((p) => p !== null && (key('phone', p.phone) === parent.phoneKey || (parent.realName !== null && key('idNumber', p.idNumber) === parent.realName.idKey)));

  /** Which parent of `request` the signed-in parent is: real-name verified, by ID, with the phone signed in with. */
  const actingAs = (request: FamilyRegistrationRequest, parent: SignedInParent): Role => {
    if (!parent.realName) throw new ApiError('FORBIDDEN', '请先完成实名认证');
    const idKey = parent.realName.idKey;
    const role: Role | null = key('idNumber', request.mother.idNumber) === idKey ? 'mother' : request.father && key('idNumber', request.father.idNumber) === idKey ? 'father' : null;
    if (!role) throw new ApiError('FORBIDDEN', '只有登记中的母亲或父亲本人可以办理');
    if (key('phone', request[role]?.phone ?? '') !== parent.phoneKey) throw new ApiError('FORBIDDEN', '登记中您本人的手机号码须与登录手机号码一致');
    return role;
  };
  const actor = (role: Role): Actor => ({ role: 'parent', id: role });

  /** The registration if it is this parent's, else 404 (unknown ids included). */
  const own = async (parent: SignedInParent, registrationId: string): Promise<RegistrationState> => {
    const state = await registrations.get(registrationId);
    if (!state || !names(state.request, parent)) throw notFound();
    return state;
  };
  const linked = async (parent: SignedInParent): Promise<string[]> => {
    const keys = [parent.phoneKey, ...(parent.realName ? [parent.realName.idKey] : [])];
    const refs = await Promise.all(keys.map((k) => deps.links.refs(k, 'registration', PARENT_REGISTRATIONS_LISTED))).catch(() => {
      throw new ApiError('UNAVAILABLE', '生育登记列表暂时无法读取，请稍后再试');
    });
    return [...new Set(refs.flat())];
  };

  router.post('/', async (req, res) => {
    const parent = parentOf(req);
    const request = parse(req.body);
    const role = actingAs(request, parent);
    const registrationId = registrations.idFor(request.mother.idNumber);
    // Linked before the start: a registration the request's deadline cut short is still found later.
    await linkFamily(deps.links, request, registrationId, key);
    const verdict = await registrations.start(request, actor(role));
    if (!verdict.registered) throw conflictError(verdict.conflicts);
    req.log?.info({ registrationId }, 'family registered');
    res.status(201).location(`/api/parent/registrations/${registrationId}`).json(registrationView(verdict.state));
  });

  router.get('/', async (req, res) => {
    const parent = parentOf(req);
    const states = await Promise.all((await linked(parent)).map((id) => registrations.get(id).catch(() => null)));
    const items = states.filter((s): s is RegistrationState => s !== null && names(s.request, parent))
      .sort((a, b) => b.registeredAt.localeCompare(a.registeredAt));
    res.json({ items: items.map(registrationView) });
  });

  router.get('/:registrationId', async (req, res) => {
    res.json(registrationView(await own(parentOf(req), String(req.params.registrationId))));
  });

  router.put('/:registrationId', async (req, res) => {
    const parent = parentOf(req);
    const registrationId = String(req.params.registrationId);
    const current = await own(parent, registrationId);
    const request = parse(req.body);
    const role = actingAs(request, parent);
    if (current.status !== 'registered') throw closedError();
    if (registrations.idFor(request.mother.idNumber) !== registrationId) {
      throw new ApiError('VALIDATION_FAILED', '母亲身份证号码不能更改', { issues: [{ path: 'mother.idNumber', code: 'MOTHER_CHANGED', message: '母亲身份证号码不能更改；如填写有误，请撤回后重新登记' }] });
    }
    await linkFamily(deps.links, request, registrationId, key);
    res.json(registrationView(await registrations.amend(registrationId, request, actor(role))));
  });

  router.post('/:registrationId/withdrawal', async (req, res) => {
    const parent = parentOf(req);
    const registrationId = String(req.params.registrationId);
    const state = await own(parent, registrationId);
    const { reason } = parseBody(WithdrawalRequest, req.body);
    const role = actingAs(state.request, parent);
    if (state.status !== 'registered') throw closedError();
    res.json(registrationView(await registrations.withdraw(registrationId, reason, actor(role))));
  });
  return router;
}

/** The parents' phones and the keyed hashes of their ID numbers, each linked to the registration. */
async function linkFamily(links: ParentLinks, request: FamilyRegistrationRequest, registrationId: string, key: (kind: 'idNumber', v: string) => string): Promise<void> {
  const parents = [request.mother, ...(request.father ? [request.father] : [])];
  try {
    await links.link(parents.map((p) => p.phone), 'registration', registrationId);
    await links.linkKeys(parents.map((p) => key('idNumber', p.idNumber)), 'registration', registrationId);
  } catch {
    throw new ApiError('UNAVAILABLE', '生育登记暂时无法办理，请稍后再试');
  }
}

export interface StaffRegistrationRoutesDeps {
  registrations: RegistrationRepository;
  reads: ReadRecorder;
  config: Config;
}

/** The clerk's lookup of a mother's open registration, to fill a new case from it (a hall's clerk too, issue 19). */
export function staffRegistrationRoutes({ registrations, reads, config }: StaffRegistrationRoutesDeps): Router {
  const router = Router();
  const filers = requireStaff(staffAuth(config), 'clerk', 'hallClerk');
  router.post('/lookup', filers, lookup(registrations, reads));
  return router;
}

const lookup = (registrations: RegistrationRepository, reads: ReadRecorder): RequestHandler => async (req: Request, res) => {
  const { motherIdNumber } = parseBody(RegistrationLookupRequest, req.body);
  const state = await registrations.openFor(motherIdNumber);
  if (!state) throw new ApiError('NOT_FOUND', '未找到该母亲尚未办结的生育登记');
  await reads.record(req, state.registrationId, 'registration');
  res.json({ registration: registrationView(state) });
};
