// Sending a case view: the same bytes and headers as `res.json(view)`, but serialised once per view object.
// Views are built once per cached state (api/case-views.ts), so under many readers of one case the API
// stringifies the ~4–5 KB view, and hashes it for the ETag, once per state instead of once per request
// (bench/RESULTS.md, "Reads — the API's CPU per request"). A new state gives a new view, hence a new body;
// both are dropped with the state.
import type { Request, Response } from 'express';

type EtagFn = (body: Buffer, encoding?: BufferEncoding) => string | undefined;

interface Body {
  bytes: Buffer;
  /** the ETag express would send for these bytes (its `etag fn` setting), or undefined when ETags are off */
  etag: string | undefined;
}

const bodies = new WeakMap<object, Body>();
const JSON_TYPE = 'application/json; charset=utf-8';

/** The view's body, serialised on first use; `etagFn` is express's, as `res.send` would use it. */
export function viewBody(view: object, etagFn?: EtagFn): Body {
  let body = bodies.get(view);
  if (body === undefined) {
    const bytes = Buffer.from(JSON.stringify(view), 'utf8');
    body = { bytes, etag: etagFn?.(bytes) };
    bodies.set(view, body);
  }
  return body;
}

/** Express's ETag function (its `etag fn` setting; none when ETags are off). */
function etagFnOf(req: Request): EtagFn | undefined {
  const fn: unknown = req.app.get('etag fn');
  if (typeof fn !== 'function') return undefined;
  return (body) => {
    const tag: unknown = fn(body);
    return typeof tag === 'string' ? tag : undefined;
  };
}

/**
 * Answers with `view` as JSON. Everything else `res.send` does stays as it is: Content-Length, the
 * freshness check (304 for a matching If-None-Match), HEAD without a body, and every header set before.
 */
export function sendView(req: Request, res: Response, view: object): void {
  const { bytes, etag } = viewBody(view, etagFnOf(req));
  res.setHeader('Content-Type', JSON_TYPE);
  if (etag !== undefined) res.setHeader('ETag', etag);
  res.send(bytes);
}
