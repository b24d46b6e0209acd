// A case view is answered with the same bytes and headers as `res.json(view)` gives, serialised once per
// view object: the same state read again sends the remembered bytes; a changed state (a new object, as
// the read cache hands out after a write or a reload) gives a new body; 304 and HEAD work as before.
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import fc from 'fast-check';
import { clerkCaseView } from '../../api/case-views';
import { sendView, viewBody } from '../../api/view-body';
import { reduceCase } from '../../domain/case-state';
import type { BirthCaseState } from '../../workflows/birth-case.contract';
import { application } from '../helpers/fixtures';

function stateOf(app: BirthCaseState['application']): BirthCaseState {
  const events: BirthCaseState['events'] = [
    { seq: 1, at: '2026-11-22T10:00:00.000+08:00', actor: { role: 'clerk', id: 'c1' }, action: 'case.accepted', service: null, attempt: null, outcome: 'ok', reason: null, data: { newbornNameMissing: false } },
  ];
  return { ...reduceCase(events), caseId: 'C1', hospitalId: 'H0001', application: app, trackingSecretHash: 'x', events };
}

async function withServer<T>(views: { current: object }, fn: (url: string) => Promise<T>): Promise<T> {
  const app = express();
  app.get('/json', (_req, res) => { res.json(views.current); });
  app.get('/view', (req, res) => { sendView(req, res, views.current); });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  try {
    return await fn(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  } finally {
    server.close();
  }
}

/** A conditional GET as a browser revalidating sends it (fetch() would add Cache-Control: no-cache). */
const conditional = (url: string, etag: string): Promise<{ status: number; body: string }> => new Promise((resolve, reject) => {
  request(url, { headers: { 'if-none-match': etag } }, (res) => {
    let body = '';
    res.on('data', (c: Buffer) => { body += c.toString(); });
    res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
  }).on('error', reject).end();
});

const answer = async (res: Response) => ({
  status: res.status,
  body: await res.text(),
  type: res.headers.get('content-type'),
  length: res.headers.get('content-length'),
  etag: res.headers.get('etag'),
});

describe('sending a case view', () => {
  const app = application({}, 2, Date.parse('2026-11-22T10:00:00+08:00'));

  it('when a view is sent, then its bytes and headers are those res.json sends, and 304 and HEAD behave the same', async () => {
    const views = { current: clerkCaseView(stateOf(app)) as object };
    await withServer(views, async (url) => {
      const viaJson = await answer(await fetch(`${url}/json`));
      const viaView = await answer(await fetch(`${url}/view`));
      expect(viaView).toEqual(viaJson);
      expect(viaView.status).toBe(200);
      expect(JSON.parse(viaView.body)).toEqual(views.current);
      expect(await conditional(`${url}/view`, viaJson.etag as string)).toEqual({ status: 304, body: '' });
      expect(await conditional(`${url}/json`, viaJson.etag as string)).toEqual({ status: 304, body: '' });
      const head = await fetch(`${url}/view`, { method: 'HEAD' });
      expect(head.status).toBe(200);
      expect(head.headers.get('content-length')).toBe(viaJson.length);
      expect(await head.text()).toBe('');
    });
  });

  it('when the same view is sent again, then the remembered bytes go out; when the state changes, then the new view gets its own body', async () => {
    const state = stateOf(app);
    const first = viewBody(clerkCaseView(state));
    expect(viewBody(clerkCaseView(state))).toBe(first);
    // A write or a reload gives the cache a new state object: a new view, a new body.
    const changed = stateOf({ ...app, mother: { ...app.mother, phone: '13900001111' } });
    const second = viewBody(clerkCaseView(changed));
    expect(second).not.toBe(first);
    expect(second.bytes.toString()).toContain('13900001111');
    expect(first.bytes.toString()).not.toContain('13900001111');
    const views = { current: clerkCaseView(state) as object };
    await withServer(views, async (url) => {
      const before = await answer(await fetch(`${url}/view`));
      views.current = clerkCaseView(changed);
      const after = await answer(await fetch(`${url}/view`));
      expect(JSON.parse(after.body)).toEqual(JSON.parse(JSON.stringify(clerkCaseView(changed))));
      expect(after.etag).not.toBe(before.etag);
      // the old ETag no longer matches: the reader gets the new body, not a 304
      expect((await conditional(`${url}/view`, before.etag as string)).status).toBe(200);
      expect((await conditional(`${url}/view`, after.etag as string)).status).toBe(304);
    });
  });

  it('when any JSON object is serialised, then the bytes are JSON.stringify\'s in UTF-8 and the ETag is the one express computes for them', () => {
    const etagFn = express().get('etag fn') as (body: Buffer, encoding?: BufferEncoding) => string;
    fc.assert(fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (value) => {
      const body = viewBody(value, etagFn);
      expect(body.bytes.equals(Buffer.from(JSON.stringify(value), 'utf8'))).toBe(true);
      expect(body.etag).toBe(etagFn(Buffer.from(JSON.stringify(value), 'utf8')));
    }));
  });
});
