// An agency that answers far more than any of its answers can hold: the worker reads no more than the bound,
// closes the connection, and treats the answer as malformed. A real HTTP server stands for the agency.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { AGENCY_MAX_ANSWER_BYTES, AgencyUnavailableError, interpretAgencyResponse, sendAgencyRequest } from '../../activities/agency-http';

let server: Server;
let baseUrl: string;
/** the bytes the agency had written when the last request's connection closed */
let writtenWhenClosed: Promise<number> = Promise.resolve(0);

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const status = Number(url.searchParams.get('status') ?? 200);
    const bytes = Number(url.searchParams.get('bytes') ?? 0);
    res.writeHead(status, { 'content-type': 'application/json' });
    // a JSON string of `bytes` characters, sent in 64 KiB pieces as long as the connection takes them
    const piece = 'x'.repeat(64 * 1024);
    let sent = 0;
    res.write('{"pad":"');
    const more = (): void => {
      while (sent < bytes) {
        sent += piece.length;
        if (!res.write(piece)) { res.once('drain', more); return; }
      }
      res.end('"}');
    };
    writtenWhenClosed = new Promise((resolve) => res.on('close', () => resolve(sent)));
    more();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

const probe = (status: number, bytes: number) => sendAgencyRequest('vaccination', { baseUrl, timeoutMs: 10_000 }, { operation: 'probe', method: 'GET', path: `probe?status=${status}&bytes=${bytes}` });
const Padded = z.object({ pad: z.string() });

test('when an agency answers within the bound, then the whole answer is read', async () => {
  const res = await probe(200, 256 * 1024);
  expect(interpretAgencyResponse('vaccination', 'probe', res, Padded).pad.length).toBe(256 * 1024);
});

test('when an agency answers 2xx with more than the bound, then the worker stops reading and the answer is a malformed one, not retried', async () => {
  const bytes = 64 * AGENCY_MAX_ANSWER_BYTES;
  const res = await probe(200, bytes);
  expect(res).toEqual({ status: 200, payload: null });
  expect(() => interpretAgencyResponse('vaccination', 'probe', res, Padded)).toThrow(expect.objectContaining({ type: 'AgencyProtocolError', nonRetryable: true }));
  // the connection was closed long before the agency could send it all
  expect(await writtenWhenClosed).toBeLessThan(bytes / 4);
});

test('when an agency answers 5xx with more than the bound, then it stays retryable', async () => {
  const res = await probe(503, 4 * AGENCY_MAX_ANSWER_BYTES);
  expect(() => interpretAgencyResponse('vaccination', 'probe', res, Padded)).toThrow(AgencyUnavailableError);
});
