// Parents: a tracking code plus the last four digits of the mother's (or the registering parent's)
// phone. A wrong code and wrong digits give the same 404; repeated failures per client address, and per
// code from one address, give 429. The per-code limit is kept per address so that someone who knows a
// case id cannot lock its family out: their own address backs off, the family's does not (the code's
// 60-bit secret, not the limit, is what makes guessing hopeless).
import { Router } from 'express';
import type { Request } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import { WorkflowNotFoundError } from '@temporalio/client';
import { LRUCache } from 'lru-cache';
import { TrackInputRequest, TrackRequest } from '../domain/case.schemas';
import type { Config } from '../infra/config';
import { supplyNewbornName } from '../workflows/birth-case.contract';
import type { BirthCaseState } from '../workflows/birth-case.contract';
import { parentAccessView } from './access.routes';
import { parentCaseView } from './case-views';
import { parseTrackingCode, trackingSecretMatches } from './case-identity';
import type { CaseRepository } from './case-repository';
import { ApiError, notFound } from './errors';
import { parseBody } from './validation';
import { sendView } from './view-body';

export interface ParentRoutesDeps {
  cases: CaseRepository;
  config: Config;
  /** failures allowed per window, per code and per client address */
  limits?: { windowMs: number; perCode: number; perAddress: number };
}

function phoneMatches(state: BirthCaseState | null, last4: string): boolean {
  const { mother, father, consent } = state?.application ?? NO_APPLICATION;
  const phones = [mother.phone, consent.signedBy === 'father' ? father?.phone : undefined];
  return phones.some((p) => p !== undefined && p.slice(-4) === last4);
}

/** What an unknown case is compared against, so that it takes the same steps as a known one (and never matches). */
const NO_SECRET_HASH = '0'.repeat(64);
const NO_APPLICATION: Pick<BirthCaseState['application'], 'mother' | 'father' | 'consent'> = {
  mother: { phone: 'unknown' } as BirthCaseState['application']['mother'],
  father: null,
  consent: { signedBy: 'mother' } as BirthCaseState['application']['consent'],
};

/** How many parents' answers about who read the case are shown (newest first). */
export const PARENT_ACCESSES_SHOWN = 100;

export function parentRoutes({ cases, config, limits = { windowMs: 15 * 60_000, perCode: 5, perAddress: 30 } }: ParentRoutesDeps): Router {
  const router = Router();
  const tooMany = (): never => { throw new ApiError('RATE_LIMITED', '尝试次数过多，请稍后再试'); };
  const limiter = (limit: number, keyGenerator?: (req: Request) => string) =>
    rateLimit({
      windowMs: limits.windowMs,
      limit,
      skipSuccessfulRequests: true,
      standardHeaders: 'draft-7',
      legacyHeaders: false,
      ...(keyGenerator ? { keyGenerator } : {}),
      handler: () => tooMany(),
    });
  const perAddress = limiter(limits.perAddress);
  const perCode = limiter(limits.perCode, (req) => {
    const code = typeof req.body?.trackingCode === 'string' ? req.body.trackingCode : '';
    return `code:${parseTrackingCode(code)?.caseId ?? code.slice(0, 40)}:${ipKeyGenerator(req.ip ?? '')}`;
  });

  // Unknown case ids are remembered as long as known cases are (the read cache's TTL), so that a known
  // and an unknown id take the same path: one lookup in memory, else one describe.
  const unknown = config.CASE_READ_CACHE_MS > 0 ? new LRUCache<string, true>({ max: 10_000, ttl: config.CASE_READ_CACHE_MS }) : null;
  async function lookup(caseId: string, fresh: boolean): Promise<BirthCaseState | null> {
    if (unknown?.has(caseId)) return null;
    return cases.read(caseId, { fresh }).catch((err: unknown) => {
      if (!(err instanceof WorkflowNotFoundError) && !(err instanceof ApiError && err.code === 'NOT_FOUND')) throw err;
      unknown?.set(caseId, true);
      return null;
    });
  }

  // The tracking secret and the phone digits are checked on every request, cached state or not. A known
  // and an unknown case id do the same work (one lookup, the keyed hash, a constant-time compare, the
  // digits), so the answer's time does not tell whether a case exists.
  async function authorise(trackingCode: string, phoneLast4: string, fresh = false): Promise<BirthCaseState> {
    const parsed = parseTrackingCode(trackingCode);
    if (!parsed) throw notFound();
    const state = await lookup(parsed.caseId, fresh);
    const secretOk = trackingSecretMatches(parsed.secret, state?.trackingSecretHash ?? NO_SECRET_HASH, config.CASE_ID_SECRET);
    const phoneOk = phoneMatches(state, phoneLast4);
    if (state === null || !secretOk || !phoneOk) throw notFound();
    return state;
  }

  router.post('/', perAddress, perCode, async (req, res) => {
    const body = parseBody(TrackRequest, req.body);
    sendView(req, res, parentCaseView(await authorise(body.trackingCode, body.phoneLast4)));
  });

  router.post('/input', perAddress, perCode, async (req, res) => {
    const body = parseBody(TrackInputRequest, req.body);
    const state = await authorise(body.trackingCode, body.phoneLast4, true);
    await cases.write(state.caseId, (handle) => handle.executeUpdate(supplyNewbornName, {
      args: [{ name: body.input.newbornName, actor: { role: 'parent', id: null } }],
    }));
    sendView(req, res, parentCaseView(await cases.load(state.caseId)));
  });

  // 谁查看了我的信息: the staff reads of this case as organisation, role and time (never who).
  router.post('/accesses', perAddress, perCode, async (req, res) => {
    const body = parseBody(TrackRequest, req.body);
    const state = await authorise(body.trackingCode, body.phoneLast4);
    const entries = await cases.accessLog.forParents(state.caseId, PARENT_ACCESSES_SHOWN).catch(() => {
      throw new ApiError('UNAVAILABLE', '查看记录暂时无法读取，请稍后再试');
    });
    res.json(parentAccessView(entries));
  });

  return router;
}
