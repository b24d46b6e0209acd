// The signed-in parent's cases (issue 18), under /api/parent/cases:
//   GET  /                  → {items: ParentView[]}: the cases linked to the session's phone, newest first
//   GET  /{caseId}          → ParentView, or 404 (the same for a case that is someone else's)
//   POST /{caseId}/input    {"input": {"newbornName"}} → ParentView (as /api/track/input)
// A case is the parent's when a parent link ties it to the session's phone (api/parent-links.ts, written
// at the case's start) AND the case itself names that phone as the mother's or the father's: a stray
// link alone shows nothing. Ids Temporal does not know are skipped.
import { Router } from 'express';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { Config } from '../infra/config';
import { supplyNewbornName } from '../workflows/birth-case.contract';
import type { BirthCaseState } from '../workflows/birth-case.contract';
import { parentCaseView } from './case-views';
import { CASE_ID_PATTERN, personKey } from './case-identity';
import type { CaseRepository } from './case-repository';
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
  config: Pick<Config, 'CASE_ID_SECRET'>;
}

/** The most cases listed (a family has a handful). */
export const PARENT_CASES_LISTED = 50;

export function parentCaseRoutes({ cases, links, config }: ParentCaseRoutesDeps): Router {
  const router = Router();

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
