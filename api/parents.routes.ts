// Parents: a tracking code plus the last four digits of the mother's (or the registering parent's)
// phone. A wrong code and wrong digits give the same 404; repeated failures per client address, and per
// code from one address, give 429. The per-code limit is kept per address so that someone who knows a
// case id cannot lock its family out: their own address backs off, the family's does not (the code's
// 60-bit secret, not the limit, is what makes guessing hopeless).
import { Router } from 'express';
import type { Request } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import { TrackInputRequest, TrackRequest } from '../domain/case.schemas';
import type { Config } from '../infra/config';
import { supplyNewbornName } from '../workflows/birth-case.contract';
import type { BirthCaseState } from '../workflows/birth-case.contract';
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

function phoneMatches(state: BirthCaseState, last4: string): boolean {
  const { mother, father, consent } = state.application;
  const phones = [mother.phone, consent.signedBy === 'father' ? father?.phone : undefined];
  return phones.some((p) => p !== undefined && p.slice(-4) === last4);
}

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

  // The tracking secret and the phone digits are checked on every request, cached state or not.
  async function authorise(trackingCode: string, phoneLast4: string, fresh = false): Promise<BirthCaseState> {
    const parsed = parseTrackingCode(trackingCode);
    if (!parsed) throw notFound();
    const state = await cases.load(parsed.caseId, undefined, { fresh }).catch((err: unknown) => {
      if (err instanceof ApiError && err.code === 'NOT_FOUND') throw notFound();
      throw err;
    });
    if (!trackingSecretMatches(parsed.secret, state.trackingSecretHash, config.CASE_ID_SECRET) || !phoneMatches(state, phoneLast4)) {
      throw notFound();
    }
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

  return router;
}
