// The one HTTP helper all agency adapters share. Failures are classified here, where they arise:
//   2xx → the result (checked against its schema)
//   422 CORRECTION_REQUIRED → ApplicationFailure `AgencyCorrectionRequired`, non-retryable, details [{agency, items, dueAt}]
//   403 REFUSED → ApplicationFailure `AgencyRefused`, non-retryable, details [{agency, reason}]
//   408, 429, 5xx, timeouts, refused or dropped connections → AgencyUnavailableError (plain, retryable)
//   anything else (400, 404, 409 idempotency conflict, a malformed answer or one over 1 MiB) → `AgencyProtocolError`, non-retryable
// Messages name the agency, the operation and the status only: never a name, ID number or phone.
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { asyncLocalStorage } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { z } from 'zod';
import {
  AgencyFailureType,
  AgencyProtocolFailureType,
  type AgencyName,
  type CorrectionDetails,
  type ProtocolFailureDetails,
  type RefusalDetails,
} from './agency.types';

export interface AgencyClientConfig {
  /** the mock agencies' (or a real gateway's) base URL, e.g. http://127.0.0.1:4100 */
  baseUrl: string;
  /** per request, including reading the answer (default 10 s) */
  timeoutMs?: number;
  /** bearer token presented to the agencies (AGENCY_API_TOKEN) */
  token?: string;
}

export const DEFAULT_AGENCY_TIMEOUT_MS = 10_000;
/**
 * Inside an activity, a request still waiting after this long heartbeats (and then at this interval), so
 * Temporal learns within the activities' heartbeatTimeout (agency-options.ts) that a worker died, and a
 * cancellation reaches the request. Quick answers (nearly all) send no heartbeat at all.
 */
export const AGENCY_HEARTBEAT_EVERY_MS = 3_000;
export const IDEMPOTENCY_HEADER = 'Idempotency-Key';

/** Transport trouble: retryable. Temporal reports it with type `AgencyUnavailableError`. */
export class AgencyUnavailableError extends Error {
  override readonly name = 'AgencyUnavailableError';
}

export interface AgencyRequest {
  operation: string;
  method: 'GET' | 'POST' | 'PUT';
  path: string;
  idempotencyKey?: string;
  body?: unknown;
}

export interface AgencyResponse { status: number; payload: unknown }

const ErrorBody = z.object({
  error: z.object({
    code: z.string(),
    reason: z.string().optional(),
    items: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    dueAt: z.string().nullable().optional(),
  }),
});

/** Sends one request. Throws AgencyUnavailableError on transport trouble; answers any HTTP status. */
export async function sendAgencyRequest(agency: AgencyName, config: AgencyClientConfig, req: AgencyRequest): Promise<AgencyResponse> {
  const timeoutMs = config.timeoutMs ?? DEFAULT_AGENCY_TIMEOUT_MS;
  // Inside an activity, a cancellation aborts the request too.
  const activity = asyncLocalStorage.getStore();
  const cancellation = activity?.cancellationSignal;
  const heartbeats = activity ? setInterval(() => activity.heartbeat(), AGENCY_HEARTBEAT_EVERY_MS) : undefined;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = cancellation ? AbortSignal.any([cancellation, timeout]) : timeout;
  const label = `${agency} ${req.operation}`;
  const headers: Record<string, string> = { accept: 'application/json' };
  if (req.body !== undefined) headers['content-type'] = 'application/json';
  if (req.idempotencyKey !== undefined) headers[IDEMPOTENCY_HEADER] = req.idempotencyKey;
  if (config.token !== undefined) headers.authorization = `Bearer ${config.token}`;

  try {
    const body = req.body === undefined ? undefined : JSON.stringify(req.body);
    const { status, text } = await exchange(new URL(`${config.baseUrl.replace(/\/+$/, '')}/${req.path.replace(/^\/+/, '')}`), req.method, headers, body, signal);
    let payload: unknown = null;
    try {
      payload = text ? JSON.parse(text) : null;
    } catch {
      payload = null; // classified by status below: a 5xx stays retryable, a 2xx fails its schema
    }
    return { status, payload };
  } catch (err) {
    if (cancellation?.aborted) throw cancellation.reason;
    if (timeout.aborted) throw new AgencyUnavailableError(`${label}: no answer within ${timeoutMs} ms`);
    throw new AgencyUnavailableError(`${label}: ${networkCode(err) ?? 'connection failed'}`);
  } finally {
    clearInterval(heartbeats);
  }
}

/**
 * The largest answer read from an agency (an agency's answers are a few hundred bytes). Past it the answer is
 * dropped unread, its connection closed, and it counts as a malformed answer: a 2xx fails its schema (not
 * retried), a 5xx stays retryable.
 */
export const AGENCY_MAX_ANSWER_BYTES = 1024 * 1024;

/**
 * Connections kept open between requests, one pool per worker process. node:http rather than fetch: the
 * same request costs the worker several times less CPU (issue 21, the birth-case worker's CPU per case;
 * 13–15 agency calls a case).
 */
const KEEP_ALIVE = { keepAlive: true, keepAliveMsecs: 1_000, scheduling: 'lifo' } as const;
const agents = { http: new HttpAgent(KEEP_ALIVE), https: new HttpsAgent(KEEP_ALIVE) };

/** One request and its whole answer as text; rejects on transport trouble or when `signal` aborts (the answer's reading included). */
function exchange(url: URL, method: AgencyRequest['method'], headers: Record<string, string>, body: string | undefined, signal: AbortSignal): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const https = url.protocol === 'https:';
    const sent = (https ? httpsRequest : httpRequest)(url, {
      method,
      headers: body === undefined ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) },
      agent: https ? agents.https : agents.http,
      signal,
    }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size <= AGENCY_MAX_ANSWER_BYTES) chunks.push(chunk);
        else { resolve({ status: res.statusCode ?? 0, text: '' }); res.destroy(); }
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
      res.on('close', () => { if (!res.complete) reject(Object.assign(new Error('answer cut off'), { code: 'ECONNRESET' })); });
    });
    sent.on('error', reject);
    sent.end(body);
  });
}

/** The system error code (ECONNREFUSED, ECONNRESET, …) of a failed request, if any (on the error, or its cause). */
function networkCode(err: unknown): string | null {
  for (let e: unknown = err, depth = 0; typeof e === 'object' && e !== null && depth < 3; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && code !== 'ABORT_ERR') return code;
  }
  return null;
}

export function protocolFailure(agency: AgencyName, operation: string, status: number | null, code: string | null, why: string): ApplicationFailure {
  return ApplicationFailure.create({
    type: AgencyProtocolFailureType,
    nonRetryable: true,
    message: `${agency} ${operation}: ${why}`,
    details: [{ agency, operation, status, code } satisfies ProtocolFailureDetails],
  });
}

/** Maps an answer to the result or to the classified failure (see the top of this file). */
export function interpretAgencyResponse<T>(agency: AgencyName, operation: string, response: AgencyResponse, result: z.ZodType<T>): T {
  const { status, payload } = response;
  const label = `${agency} ${operation}`;
  if (status >= 200 && status < 300) {
    const parsed = result.safeParse(payload);
    if (parsed.success) return parsed.data;
    throw protocolFailure(agency, operation, status, null, `answer ${status} does not match the expected result`);
  }
  if (status === 408 || status === 429 || status >= 500) throw new AgencyUnavailableError(`${label}: HTTP ${status}`);

  const error = ErrorBody.safeParse(payload);
  const code = error.success ? error.data.error.code : null;
  if (status === 422 && error.success && code === 'CORRECTION_REQUIRED' && error.data.error.items) {
    const details: CorrectionDetails = { agency, items: error.data.error.items, dueAt: error.data.error.dueAt ?? null };
    throw ApplicationFailure.create({
      type: AgencyFailureType.CorrectionRequired,
      nonRetryable: true,
      message: `${label}: correction required (${details.items.length} item(s))`,
      details: [details],
    });
  }
  if (status === 403 && error.success && code === 'REFUSED') {
    const details: RefusalDetails = { agency, reason: error.data.error.reason ?? 'refused' };
    throw ApplicationFailure.create({ type: AgencyFailureType.Refused, nonRetryable: true, message: `${label}: refused`, details: [details] });
  }
  throw protocolFailure(agency, operation, status, code, `HTTP ${status}${code ? ` ${code}` : ''}`);
}

/** One agency's client: `call` sends and interprets. */
export function agencyClient(agency: AgencyName, config: AgencyClientConfig) {
  return {
    async call<T>(req: AgencyRequest, result: z.ZodType<T>): Promise<T> {
      return interpretAgencyResponse(agency, req.operation, await sendAgencyRequest(agency, config, req), result);
    },
  };
}

/** For GETs by idempotency key: the key as one path segment. */
export function keyPath(prefix: string, idempotencyKey: string): string {
  return `${prefix}/${encodeURIComponent(idempotencyKey)}`;
}
