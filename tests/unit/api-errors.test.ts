import type { NextFunction, Request, Response } from 'express';
import { ServiceError } from '@temporalio/client';
import { errorHandler } from '../../api/errors';

/** A gRPC error as @grpc/grpc-js raises it: a code, details and metadata. */
const grpcError = (code: number): Error => Object.assign(new Error(`${code} grpc`), { code, details: 'grpc', metadata: {} });

function answer(err: unknown): { status: number; body: { error: { code: string } } } {
  const out = { status: 0, body: { error: { code: '' } } };
  const res = {
    headersSent: false,
    setHeader: () => res,
    status(s: number) { out.status = s; return res; },
    json(b: typeof out.body) { out.body = b; return res; },
  };
  errorHandler(err, { log: { error: () => undefined } } as unknown as Request, res as unknown as Response, (() => undefined) as NextFunction);
  return out;
}

describe('what a Temporal failure tells the caller', () => {
  it.each([
    ['unavailable', 14], ['deadline exceeded', 4], ['cancelled at the deadline', 1], ['server shedding load', 8],
  ])('a call Temporal could not serve now (%s) is 503 UNAVAILABLE, also when wrapped', (_what, code) => {
    expect(answer(grpcError(code))).toMatchObject({ status: 503, body: { error: { code: 'UNAVAILABLE' } } });
    expect(answer(new ServiceError('query failed', { cause: grpcError(code) }))).toMatchObject({ status: 503, body: { error: { code: 'UNAVAILABLE' } } });
  });

  it('any other gRPC failure is 500 INTERNAL, its message kept out of the body', () => {
    const out = answer(grpcError(13));
    expect(out).toMatchObject({ status: 500, body: { error: { code: 'INTERNAL' } } });
    expect(JSON.stringify(out.body)).not.toContain('grpc');
  });
});
