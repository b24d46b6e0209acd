// A short-lived, bounded, per-process cache of decoded case states, in front of the describe call that
// reads a case's memo (api/case-reader.ts). Under many parents refreshing, a case is described once per
// TTL instead of once per request; concurrent reads of one case share one describe (single flight).
// What it holds is the case's state only: every request still checks who may see it.
//
// Freshness: an entry lives `ttlMs` (CASE_READ_CACHE_MS, default 300 ms), so a change made elsewhere
// (another API process, the worker after an agency answer) shows within that; a write through this
// process invalidates the case at once, so the writer sees her own change on the next read. Failed
// loads are never kept: the next read tries again.
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

export interface CaseReadCache {
  /** The case from memory if read within the TTL, else from `load` — at most one load per case at a time. */
  get(caseId: string, load: () => Promise<BirthCaseState>): Promise<BirthCaseState>;
  /** Forgets the case: the next read loads it anew, and a load already under way no longer fills the cache. */
  invalidate(caseId: string): void;
  /** cases held now */
  readonly size: number;
}

interface Entry {
  state: BirthCaseState;
  expiresAt: number;
}

export function createCaseReadCache({ ttlMs, max, now = Date.now }: CaseReadCacheOptions): CaseReadCache {
  const entries = new LRUCache<string, Entry>({ max: Math.max(1, max) });
  const inFlight = new Map<string, Promise<BirthCaseState>>();
  return {
    get(caseId, load) {
      if (ttlMs <= 0) return load();
      const hit = entries.get(caseId);
      if (hit) {
        if (hit.expiresAt > now()) return Promise.resolve(hit.state);
        entries.delete(caseId);
      }
      const pending = inFlight.get(caseId);
      if (pending) return pending;
      const flight: Promise<BirthCaseState> = load()
        .then((state) => {
          // Only the current flight fills the cache: one started before an invalidation may carry the old state.
          if (inFlight.get(caseId) === flight) entries.set(caseId, { state, expiresAt: now() + ttlMs });
          return state;
        })
        .finally(() => {
          if (inFlight.get(caseId) === flight) inFlight.delete(caseId);
        });
      inFlight.set(caseId, flight);
      return flight;
    },
    invalidate(caseId) {
      entries.delete(caseId);
      inFlight.delete(caseId);
    },
    get size() {
      return entries.size;
    },
  };
}
