// The signed-in parent's cases (issue 18), under /api/parent/cases:
//   GET  /                  → {items: ParentView[]}: the cases linked to the session's phone, newest first
//   GET  /{caseId}          → ParentView, or 404 (the same for a case that is someone else's)
//   POST /{caseId}/input    {"input": {"newbornName"}} → ParentView (as /api/track/input)
//   POST /                  (issue 19) a real-name verified mother or father files the case of a child born
//                           outside Jinan (bornElsewhere required) → 201 {caseId, trackingCode, status}; the
//                           case is the desk's of the hall PARENT_INBOUND_HALL_ID, as if filed there
// A case is the parent's when a parent link ties it to the session's phone (api/parent-links.ts, written
// at the case's start) AND the case itself names that phone as the mother's or the father's: a stray
// link alone shows nothing. Ids Temporal does not know are skipped.
import { Router } from 'express';
import { WorkflowNotFoundError } from '@temporalio/client';
import { caseCreateRequestSchema, type CaseCreateRequest } from '../domain/case.schemas';
import { toShanghaiIso } from '../domain/dates';
import type { Config } from '../infra/config';
import { supplyNewbornName } from '../workflows/birth-case.contract';
import type { BirthCaseState } from '../workflows/birth-case.contract';
import { parentCaseView } from './case-views';
import { CASE_ID_PATTERN, personKey } from './case-identity';
import type { CaseRepository } from './case-repository';
import { hallScope } from './case-scope';
import { fileCase } from './cases.routes';
import { ApiError, notFound } from './errors';
import type { ParentLinks } from './parent-links';
import { parentOf } from './parent-session';
import type { SignedInParent } from './parent-session';
import { ParentCaseInputRequest } from './parent-session.schemas';
import { parseBody } from './validation';
import { sendView } from './view-body';

export interface ParentCaseRoutesDeps {
  cases: CaseRepository;
  links: ParentLinks;
  config: Config;
  /** the clock the age and future-date rules of a filing read; default the process's */
  now?: () => Date;
}

type Role = 'mother' | 'father';

const refused = (path: string, code: string, message: string): ApiError =>
  new ApiError('VALIDATION_FAILED', '提交的信息有误，请按提示逐项修改', { issues: [{ path, code, message }] });

/** The most cases listed (a family has a handful). */
export const PARENT_CASES_LISTED = 50;

export function parentCaseRoutes({ cases, links, config, now = () => new Date() }: ParentCaseRoutesDeps): Router {
  const router = Router();
  const key = (kind: 'phone' | 'idNumber', value: string): string => personKey(kind, value, config.CASE_ID_SECRET);

  /** Which parent of the application the signed-in parent is: real-name verified, by ID, with the phone signed in with. */
  const actingAs = (application: CaseCreateRequest, parent: SignedInParent): Role => {
    if (!parent.realName) throw new ApiError('FORBIDDEN', '请先完成实名认证');
    const idKey = parent.realName.idKey;
    const role: Role | null = key('idNumber', application.mother.idNumber) === idKey ? 'mother'
      : application.father && key('idNumber', application.father.idNumber) === idKey ? 'father' : null;
    if (!role) throw new ApiError('FORBIDDEN', '只有孩子的母亲或父亲本人可以申报');
    if (key('phone', application[role]?.phone ?? '') !== parent.phoneKey) throw new ApiError('FORBIDDEN', '申报中您本人的手机号码须与登录手机号码一致');
    return role;
  };

  const namesPhone = (state: BirthCaseState, phoneKey: string): boolean => {
    const { mother, father } = state.application;
    return [mother.phone, father?.phone].some((p) => p !== undefined && personKey('phone', p, config.CASE_ID_SECRET) === phoneKey);
  };
  const linked = async (parent: SignedInParent): Promise<string[]> =>
    links.refs(parent.phoneKey, 'case', PARENT_CASES_LISTED).catch(() => { throw new ApiError('UNAVAILABLE', '办件列表暂时无法读取，请稍后再试'); });
  /** The case if it is this parent's, else null (unknown ids included). */
  const readOwn = async (parent: SignedInParent, caseId: string, fresh = false): Promise<BirthCaseState | null> => {
    const state = await cases.read(caseId, { fresh }).catch((err: unknown) => {
      if (err instanceof WorkflowNotFoundError || (err instanceof ApiError && err.code === 'NOT_FOUND')) return null;
      throw err;
    });
    return state && namesPhone(state, parent.phoneKey) ? state : null;
  };
  const ownCase = async (parent: SignedInParent, caseId: string, fresh = false): Promise<BirthCaseState> => {
    if (!CASE_ID_PATTERN.test(caseId) || !(await linked(parent)).includes(caseId)) throw notFound();
    const state = await readOwn(parent, caseId, fresh);
    if (!state) throw notFound();
    return state;
  };

  router.post('/', async (req, res) => {
    const parent = parentOf(req);
    const schema = caseCreateRequestSchema({ now: toShanghaiIso(now().getTime()), maxAgeDays: config.MAX_CHILD_AGE_DAYS, knownRegions: true });
    const application = parseBody(schema, req.body);
    if (application.bornElsewhere === undefined) {
      throw refused('bornElsewhere', 'INBOUND_REQUIRED', '网上只受理在济南以外出生、在济南落户的孩子，须填写外地出生信息；在济南医院出生的孩子由分娩医院申报');
    }
    const role = actingAs(application, parent);
    if (application.consent.signedBy !== role) throw refused('consent.signedBy', 'CONSENT_SIGNER_NOT_YOU', '网上申报由您本人签署授权，授权签署人应为您本人');
    const filed = await fileCase({ cases, config, parentLinks: links }, {
      scope: hallScope(config.PARENT_INBOUND_HALL_ID), actor: { role: 'parent', id: role }, application,
    }, req).catch((err: unknown) => {
      // a parent learns that the newborn has a case, never its id (the desk's case is not the parent's link)
      if (err instanceof ApiError && err.code === 'DUPLICATE_CASE') throw new ApiError('DUPLICATE_CASE', '该新生儿已有办件，请勿重复申报');
      throw err;
    });
    res.status(201).location(`/api/parent/cases/${filed.caseId}`).json({ ...filed, status: 'accepted' });
  });

  router.get('/', async (req, res) => {
    const parent = parentOf(req);
    const states = await Promise.all((await linked(parent)).map((id) => readOwn(parent, id)));
    res.json({ items: states.filter((s): s is BirthCaseState => s !== null).map((s) => parentCaseView(s)) });
  });

  router.get('/:caseId', async (req, res) => {
    const parent = parentOf(req);
    sendView(req, res, parentCaseView(await ownCase(parent, String(req.params.caseId))));
  });

  router.post('/:caseId/input', async (req, res) => {
    const parent = parentOf(req);
    const body = parseBody(ParentCaseInputRequest, req.body);
    const state = await ownCase(parent, String(req.params.caseId), true);
    await cases.write(state.caseId, (handle) => handle.executeUpdate(supplyNewbornName, {
      args: [{ name: body.input.newbornName, actor: { role: 'parent', id: null } }],
    }));
    sendView(req, res, parentCaseView(await cases.read(state.caseId, { fresh: true })));
  });

  return router;
}
