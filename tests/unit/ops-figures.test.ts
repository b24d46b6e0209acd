// The small pieces behind the dashboard and the worker's agency metrics, and the dashboard's route over a
// read model on SQLite: what an operator reads (counts, medians), 503 without a read model.
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import fc from 'fast-check';
import type { Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { AgencyFailureType, AgencyProtocolFailureType } from '../../activities/agency.types';
import { AgencyUnavailableError } from '../../activities/agency-http';
import { signStaffToken } from '../../api/auth';
import { errorHandler } from '../../api/errors';
import { opsRoutes, percentile } from '../../api/ops.routes';
import { Dashboard } from '../../api/ops.schemas';
import { openMigratedDatabase } from '../../infra/database';
import { createReadModel, readModelSchema } from '../../infra/read-model';
import type { ReadModelFigures } from '../../infra/read-model';
import { callOutcome } from '../../workers/agency-telemetry';
import { journalState, newCodec, steps } from '../helpers/read-model-suite';
import { testConfig } from '../helpers/temporal';

test('when values are ranked, then the nearest-rank percentile is a value of the set with at least p% at or below it', () => {
  fc.assert(fc.property(fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 200 }), fc.integer({ min: 1, max: 100 }), (values, p) => {
    const sorted = [...values].sort((a, b) => a - b);
    const v = percentile(sorted, p)!;
    expect(sorted).toContain(v);
    expect(sorted.filter((x) => x <= v).length / sorted.length).toBeGreaterThanOrEqual(p / 100);
    expect(sorted.filter((x) => x < v).length / sorted.length).toBeLessThan(p / 100);
  }));
  expect(percentile([], 50)).toBeNull();
  expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90)).toBe(9);
  expect(percentile([1, 2, 3], 50)).toBe(2);
});

test('when an agency call ends, then its outcome tells answers (refused, correction) from failures (unavailable, protocol error, other)', () => {
  expect(callOutcome(ApplicationFailure.create({ type: AgencyFailureType.Refused, nonRetryable: true }))).toBe('refused');
  expect(callOutcome(ApplicationFailure.create({ type: AgencyFailureType.CorrectionRequired, nonRetryable: true }))).toBe('correction');
  expect(callOutcome(ApplicationFailure.create({ type: AgencyProtocolFailureType, nonRetryable: true }))).toBe('protocol_error');
  expect(callOutcome(new AgencyUnavailableError('publicSecurity registerHousehold: 503'))).toBe('unavailable');
  expect(callOutcome(new Error('boom'))).toBe('error');
});

describe('GET /api/ops/dashboard', () => {
  const config = testConfig({ ALLOW_DEV_TOKENS: true });
  const now = () => new Date('2026-11-20T18:00:00+08:00');
  const dir = mkdtempSync(join(tmpdir(), 'ops-dashboard-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function serve(readModel: ReadModelFigures | undefined): Promise<{ get(path: string, role?: 'admin' | 'clerk'): Promise<{ status: number; body: any }>; close(): Promise<void> }> {
    const app = express();
    app.use(opsRoutes({ client: {} as Client, config, now, readModel }));
    app.use(errorHandler);
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return {
      async get(path, role = 'admin') {
        const token = await signStaffToken(role === 'admin' ? { sub: 'ops-1', role } : { sub: 'c-1', role, hospitalId: 'H0001' }, config.JWT_SECRET);
        const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } });
        return { status: res.status, body: await res.json() };
      },
      close: () => new Promise<void>((r) => { server.close(() => r()); server.closeAllConnections(); }),
    };
  }

  test('when cases of the day have finished, then the admin reads their counts and median times; a clerk may not', async () => {
    const database = await openMigratedDatabase({ dialect: 'sqlite', file: join(dir, 'app.sqlite') }, readModelSchema);
    const model = createReadModel(database, newCodec());
    const { submitted, completed, review, finished } = steps;
    const minutes = [30, 60, 90, 120, 600];
    for (const [i, m] of minutes.entries()) {
      const state = journalState({ caseId: `C-${i}`, steps: [submitted('birthCertificate', 1), submitted('household', 1), completed('birthCertificate', 1 + m), completed('household', 1 + m), finished(2 + m)] });
      await model.publish(state, state.events.length);
    }
    const open = journalState({ caseId: 'C-OPEN', steps: [submitted('household', 1), review('household', 2)] });
    await model.publish(open, open.events.length);
    const api = await serve(model);
    try {
      const answer = await api.get('/api/ops/dashboard?hospitalId=H0001');
      expect(answer.status).toBe(200);
      const dashboard = Dashboard.parse(answer.body);
      expect(dashboard.period).toEqual({ from: '2026-10-22', to: '2026-11-20', hospitalId: 'H0001' });
      expect(dashboard.cases.total).toBe(6);
      expect(dashboard.cases.byStatus).toMatchObject({ completed: 5, in_progress: 1, cancelled: 0, rejected: 0 });
      expect(dashboard.cases.byWaitingOn).toEqual({ parent: 0, clerk: 0, officer: 1, agency: 0 });
      // acceptance to close: 32, 62, 92, 122, 602 minutes; nearest rank
      expect(dashboard.completion.medianSeconds).toBe(92 * 60);
      expect(dashboard.completion.p90Seconds).toBe(602 * 60);
      expect(dashboard.completion.cases.map((c) => c.caseId)).toEqual(['C-4', 'C-3', 'C-2', 'C-1', 'C-0']);
      expect(dashboard.completion.truncated).toBe(false);
      expect(dashboard.agencies.healthCommission).toEqual({ services: 5, medianSeconds: 90 * 60, p90Seconds: 600 * 60 });
      expect((await api.get('/api/ops/dashboard?hospitalId=H0002')).body.cases.total).toBe(0);
      expect((await api.get('/api/ops/dashboard', 'clerk')).status).toBe(403);
    } finally {
      await api.close();
      await database.close();
    }
  });

  test('when there is no read model, then the dashboard answers 503 UNAVAILABLE with the error body; a bad period is still 400', async () => {
    const api = await serve(undefined);
    try {
      const answer = await api.get('/api/ops/dashboard');
      expect(answer.status).toBe(503);
      expect(answer.body.error.code).toBe('UNAVAILABLE');
      expect((await api.get('/api/ops/dashboard?from=2026-01-10&to=2026-01-01')).status).toBe(400);
    } finally {
      await api.close();
    }
  });
});
