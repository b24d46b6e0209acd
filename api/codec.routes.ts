// A codec endpoint for the Temporal UI (and the CLI's --codec-endpoint), for the admin role only: the UI
// sends the payloads it shows, and gets them back decrypted with the service's payload key (or encrypted,
// for what an operator types in). See docs/operations.md for pointing the UI at it.
//
// The Temporal UI calls it from the browser, across origins: CORS for the configured UI origins only, with
// credentials. An admin proves the role with a bearer token (CLI, or a UI that passes its access token) or
// with the HttpOnly cookie that the small sign-in form on GET /api/ops/codec sets from an admin token.
import express, { Router } from 'express';
import type { RequestHandler } from 'express';
import type { Payload } from '@temporalio/common';
import { serialize } from 'cookie';
import { z } from 'zod';
import type { AccessLog } from '../infra/access-log';
import type { Config } from '../infra/config';
import { payloadCodec } from '../infra/temporal';
import { NO_CASE_ID, readRecorder } from './access';
import { readCookie, requireStaff, staffAuth } from './auth';
import { ApiError } from './errors';
import { parseBody } from './validation';

export const CODEC_PATH = '/api/ops/codec';
const COOKIE = 'codec_admin';
/** The UI batches a workflow's payloads; a history's worth of memo and inputs fits well within this. */
const MAX_CODEC_BODY = '4mb';

// The codec-server protocol: payloads in proto JSON (bytes as base64).
const JsonPayload = z.object({ metadata: z.record(z.string(), z.string()).optional(), data: z.string().optional() });
const CodecBody = z.object({ payloads: z.array(JsonPayload).max(10_000) });

const fromJson = (p: z.infer<typeof JsonPayload>): Payload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  data: Buffer.from(p.data ?? '', 'base64'),
});
const toJson = (p: Payload): z.infer<typeof JsonPayload> => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
  data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
});

const CASE_ID_IN_JSON = /"caseId":"([0-9A-HJKMNP-TV-Z]{16})"/g;

/** The cases decoded payloads belong to (workflow inputs, memo fields and most activity arguments name theirs). */
export function caseIdsIn(payloads: readonly Payload[]): string[] {
  const ids = new Set<string>();
  for (const p of payloads) {
    const text = Buffer.from(p.data ?? new Uint8Array()).toString('utf8');
    for (const m of text.matchAll(CASE_ID_IN_JSON)) ids.add(m[1] as string);
  }
  return [...ids];
}

/** How long the codec sign-in lasts (12 h, the longest staff token). */
const COOKIE_MAX_AGE_SECONDS = 43_200;

export function codecRoutes(config: Config, accessLog: AccessLog): Router {
  const router = Router();
  const reads = readRecorder(accessLog);
  // the whole key ring: after a rotation the UI still decodes what the old key encrypted
  const codec = payloadCodec(config);
  const origins = new Set(config.TEMPORAL_UI_ORIGINS.split(',').map((o) => o.trim()).filter(Boolean));
  const adminOnly = requireStaff(staffAuth(config), 'admin');

  const cors: RequestHandler = (req, res, next) => {
    const origin = req.header('origin');
    if (origin && origins.has(origin)) {
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('access-control-allow-credentials', 'true');
      res.setHeader('access-control-allow-methods', 'POST, OPTIONS');
      res.setHeader('access-control-allow-headers', 'content-type, x-namespace, authorization');
      res.setHeader('vary', 'origin');
    }
    if (req.method === 'OPTIONS') {
      res.status(204).end();
      return;
    }
    next();
  };
  // The cookie stands in for the header when the UI cannot send one.
  const admin: RequestHandler = (req, res, next) => {
    if (!req.headers.authorization) {
      // a malformed cookie is no cookie (then 401), never an error
      const token = readCookie(req, COOKIE);
      if (token) req.headers.authorization = `Bearer ${token}`;
    }
    return adminOnly(req, res, next);
  };

  router.use(cors);
  router.get('/', (_req, res) => {
    res.type('html').send(`<!doctype html><html lang="zh-CN"><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>Temporal UI 解码服务</title><main><h1>Temporal UI 解码服务（管理员）</h1>
<form method="post" action="${CODEC_PATH}/session"><label for="token">管理员令牌</label>
<input id="token" name="token" type="password" autocomplete="off" required><button type="submit">登录</button></form></main></html>`);
  });
  router.post(
    '/session',
    express.urlencoded({ extended: false, limit: '8kb' }),
    (req, _res, next) => {
      const token = typeof req.body?.token === 'string' ? req.body.token.trim() : '';
      req.headers.authorization = `Bearer ${token}`;
      next();
    },
    adminOnly,
    (req, res) => {
      const token = String(req.body.token).trim();
      res.setHeader('set-cookie', serialize(COOKIE, token, { httpOnly: true, sameSite: 'strict', path: CODEC_PATH, maxAge: COOKIE_MAX_AGE_SECONDS }));
      res.type('html').send('<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>已登录</title><p>已登录。Temporal UI 现在可以解码本服务的数据。</p></html>');
    },
  );
  const json = express.json({ limit: MAX_CODEC_BODY });
  for (const op of ['decode', 'encode'] as const) {
    router.post(`/${op}`, admin, json, async (req, res) => {
      const body = parseBody(CodecBody, req.body);
      const payloads = body.payloads.map(fromJson);
      let out: Payload[];
      try {
        out = op === 'decode' ? await codec.decode(payloads) : await codec.encode(payloads);
      } catch {
        throw new ApiError('VALIDATION_FAILED', '载荷无法解码（密钥不符或数据损坏）', { issues: [] });
      }
      // a decode shows personal data: recorded (per case its payloads name) before the answer
      if (op === 'decode') {
        const ids = caseIdsIn(out);
        await reads.record(req, ids.length > 0 ? ids : [NO_CASE_ID], 'codec');
      }
      req.log?.info({ op, payloads: out.length, namespace: req.header('x-namespace')?.slice(0, 64) }, 'codec');
      res.json({ payloads: out.map(toJson) });
    });
  }
  return router;
}
