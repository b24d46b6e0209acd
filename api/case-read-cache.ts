// A short-lived, bounded, per-process cache of decoded case states, in front of the describe call that
// reads a case's memo (api/case-repository.ts). Under many parents refreshing, a case is described once per
// TTL instead of once per request; concurrent reads of one case share one describe (single flight).
// What it holds is the case's state only: every request still checks who may see it.
//
// Freshness: an entry lives `ttlMs` (CASE_READ_CACHE_MS, default 300 ms), so a change made elsewhere
// (another API process, the worker after an agency answer) shows within that; a write through this
// process invalidates the case at once, so the writer sees her own change on the next read. Failed
// loads are never kept: the next read tries again.
//
// All of it is lru-cache's: `ttl` for the freshness, `fetch()` for the single flight. A delete aborts a
// fetch under way; `ignoreFetchAbort` lets its callers still have their answer, and lru-cache keeps
// only what the current fetch of a key brings, so a load begun before a write never fills the cache.
import { LRUCache } from 'lru-cache';
import type { BirthCaseState } from '../workflows/birth-case.contract';

export interface CaseReadCacheOptions {
  /** how long a read case is served from memory; 0 turns the cache off */
  ttlMs: number;
  /** at most this many cases are kept (least recently read go first) */
  max: number;
  /** the clock, in ms; tests may drive it */
  now?: () => number;
}

type Load = () => Promise<BirthCaseState>;

export interface CaseReadCache {
  /** The case from memory if read within the TTL, else from `load` — at most one load per case at a time. */
  get(caseId: string, load: Load): Promise<BirthCaseState>;
  /** Forgets the case: the next read loads it anew, and a load already under way no longer fills the cache. */
  invalidate(caseId: string): void;
  /** cases held now */
  readonly size: number;
}

export function createCaseReadCache({ ttlMs, max, now }: CaseReadCacheOptions): CaseReadCache {
  if (ttlMs <= 0) return { get: (_caseId, load) => load(), invalidate: () => undefined, size: 0 };
  const entries = new LRUCache<string, BirthCaseState, Load>({
    max: Math.max(1, max),
    ttl: ttlMs,
    // the clock is read at every check (no 1 ms debounce), so a test's clock is obeyed exactly
    ttlResolution: 0,
    ignoreFetchAbort: true,
    fetchMethod: (_caseId, _stale, { context: load }) => load(),
    ...(now ? { perf: { now } } : {}),
  });
  return {
    get: (caseId, load) => entries.forceFetch(caseId, { context: load }),
    invalidate: (caseId) => { entries.delete(caseId); },
    get size() {
      return entries.size;
    },
  };
}
