// Issue 20: staff reads recorded before the answer (fail closed), what parents see of them, the admin's
// masked case view, officers limited to cases their agency reviews, and the parents' tracking doing the
// same work for a known and an unknown case id.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import type { Request } from 'express';
import type { AddressInfo } from 'node:net';
import { WorkflowNotFoundError } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import pino from 'pino';
import { openAccessLog, readRecorder } from '../../api/access';
import { parentAccessView } from '../../api/access.routes';
import { AccessListQuery, accessFilter } from '../../api/access.schemas';
import { hasReviewOf } from '../../api/case-repository';
import type { CaseRepository } from '../../api/case-repository';
import { adminCaseView, clerkCaseView } from '../../api/case-views';
import { trackingSecretMatches } from '../../api/case-identity';
import { caseIdsIn } from '../../api/codec.routes';
import { errorHandler } from '../../api/errors';
import { parentRoutes } from '../../api/parents.routes';
import { reduceCase } from '../../domain/case-state';
import type { CaseEvent } from '../../domain/case-state';
import { accessLogSchema, createAccessLog } from '../../infra/access-log';
import type { AccessLog } from '../../infra/access-log';
import { openMigratedDatabase } from '../../infra/database';
import type { BirthCaseState } from '../../workflows/birth-case.contract';
import { application } from '../helpers/fixtures';
import { testConfig } from '../helpers/temporal';

// counts the keyed-hash checks of the tracking route (finding 10)
jest.mock('../../api/case-identity', () => {
  const actual = jest.requireActual<{ trackingSecretMatches: typeof trackingSecretMatches }>('../../api/case-identity');
  return { ...actual, trackingSecretMatches: jest.fn(actual.trackingSecretMatches) };
});
const hashChecks = trackingSecretMatches as jest.MockedFunction<typeof trackingSecretMatches>;

const dirs: string[] = [];
const freshDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'access-reads-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => { for (const dir of dirs) rmSync(dir, { recursive: true, force: true }); });

const staffReq = (staff: object, ip = '203.0.113.7'): Request => ({ staff, ip, log: pino({ level: 'silent' }) }) as unknown as Request;

async function sqliteLog(): Promise<AccessLog> {
  return createAccessLog(await openMigratedDatabase({ dialect: 'sqlite', file: join(freshDir(), 'app.sqlite') }, accessLogSchema));
}

function stateOf(caseId: string, events: CaseEvent[] = [], overrides: Partial<BirthCaseState> = {}): BirthCaseState {
  return {
    ...reduceCase(events.filter((e) => e.data !== undefined)), caseId, hospitalId: 'H0001', application: application(), trackingSecretHash: 'ab'.repeat(32), events, ...overrides,
  } as BirthCaseState;
}

describe('recording reads (item 1)', () => {
  test('when a clerk reads a case, then the record names the subject, role, hospital, case, view and address', async () => {
    const log = await sqliteLog();
    await readRecorder(log).record(staffReq({ sub: 'clerk-1', role: 'clerk', hospitalId: 'H0001' }), 'CASE000000000001', 'case');
    const page = await log.forCase('CASE000000000001');
    expect(page.items).toEqual([expect.objectContaining({ subject: 'clerk-1', role: 'clerk', hospitalId: 'H0001', view: 'case', clientAddress: '203.0.113.7' })]);
  });

  test('when a list shows three rows, then three records are written, one per case', async () => {
    const log = await sqliteLog();
    await readRecorder(log).record(staffReq({ sub: 'clerk-1', role: 'clerk', hospitalId: 'H0001' }), ['CASE000000000001', 'CASE000000000002', 'CASE000000000003'], 'list');
    await expect(log.query({ view: 'list' })).resolves.toMatchObject({ total: 3 });
  });

  test('when the record cannot be stored, then the read is refused with 503 UNAVAILABLE (fail closed)', async () => {
    const broken = { recordMany: () => Promise.reject(new Error('disk full')) } as unknown as AccessLog;
    await expect(readRecorder(broken).record(staffReq({ sub: 'a', role: 'admin' }), 'CASE000000000001', 'case'))
      .rejects.toMatchObject({ code: 'UNAVAILABLE' });
  });

  test('when the database cannot be opened, then the process\'s access log refuses every record (so every read answers 503)', async () => {
    const log = openAccessLog({ DATA_DIR: freshDir() }, undefined, { DATABASE_URL: 'postgres://nobody@127.0.0.1:9/none', DATABASE_CONNECT_TIMEOUT_MS: '300' });
    await expect(readRecorder(log).record(staffReq({ sub: 'a', role: 'admin' }), 'CASE000000000001', 'case')).rejects.toMatchObject({ code: 'UNAVAILABLE' });
  });

  test('when the process opens its access log on SQLite, then records land in DATA_DIR/app.sqlite and the chain verifies', async () => {
    const dir = freshDir();
    const log = openAccessLog({ DATA_DIR: dir }, undefined, {});
    await readRecorder(log).record(staffReq({ sub: 'o-1', role: 'officer', agency: 'publicSecurity' }), 'CASE000000000009', 'review');
    await expect(log.verify()).resolves.toMatchObject({ ok: true, records: 1 });
  });

  test('when a codec decode shows payloads, then the cases they name are found for the record', () => {
    const payloads = [defaultPayloadConverter.toPayload({ caseId: 'CASE000000000001', application: {} }), defaultPayloadConverter.toPayload({ v: 1, nested: { caseId: 'CASE000000000002' } }), defaultPayloadConverter.toPayload('x')];
    expect(caseIdsIn(payloads).sort()).toEqual(['CASE000000000001', 'CASE000000000002']);
  });
});

describe('what the parents see (item 3)', () => {
  test('when parents ask who read their case, then they get organisation, role and time in Chinese, never the subject or address', async () => {
    const log = await sqliteLog();
    const reads = readRecorder(log);
    await reads.record(staffReq({ sub: 'zhang.san@hospital', role: 'clerk', hospitalId: 'H0001' }), 'CASE000000000001', 'case');
    await reads.record(staffReq({ sub: 'li.si', role: 'officer', agency: 'publicSecurity' }), 'CASE000000000001', 'review');
    const view = parentAccessView(await log.forParents('CASE000000000001'));
    expect(view.accesses.map((a) => [a.roleLabel, a.organisation.label, a.viewLabel])).toEqual([
      ['部门审核员', expect.stringMatching(/公安/), '审核'],
      ['医院登记员', '医院（H0001）', '案件详情'],
    ]);
    const text = JSON.stringify(view);
    expect(text).not.toMatch(/zhang|li\.si|203\.0\.113/);
  });
});

describe('the admin\'s query', () => {
  test('when the admin filters by subject, views and a page, then the query asks the log for that page', () => {
    const q = AccessListQuery.parse({ sub: 'clerk-1', view: ['case', 'list'], role: 'clerk', page: '3', pageSize: '20' });
    expect(accessFilter(q)).toEqual({ subject: 'clerk-1', view: ['case', 'list'], role: 'clerk' });
    expect(q).toMatchObject({ page: 3, pageSize: 20 });
    expect(AccessListQuery.safeParse({ view: 'everything' }).success).toBe(false);
    expect(AccessListQuery.safeParse({ from: 'yesterday' }).success).toBe(false);
    expect(AccessListQuery.safeParse({ limit: '5' }).success).toBe(false);
  });
});

describe('finding 3: the admin sees a masked case', () => {
  test('when the admin reads a case, then names, ID numbers, phones and the address are masked; the clerk\'s view is whole', () => {
    const state = stateOf('CASE000000000001');
    const a = state.application;
    const admin = JSON.stringify(adminCaseView(state));
    for (const secret of [a.mother.name, a.mother.idNumber, a.mother.phone, a.father?.idNumber, a.father?.phone, a.newborn.name, a.delivery.address].filter(Boolean)) {
      expect(admin).not.toContain(secret as string);
    }
    expect(adminCaseView(state)).toMatchObject({ masked: true, caseId: 'CASE000000000001' });
    expect(clerkCaseView(state).mother.idNumber).toBe(a.mother.idNumber);
  });
});

describe('finding 2: officers see only cases their agency has a review for', () => {
  const underReview = (agency: string): CaseEvent => ({
    seq: 1, at: '2026-11-20T10:00:00+08:00', actor: { role: 'system', id: null }, action: 'service.under_review', service: 'household', attempt: 1, outcome: 'ok', reason: null,
    data: { review: { agency, reason: 'manual', reviewId: 'R-1' } },
  } as unknown as CaseEvent);

  test('when the case never went to the agency\'s review, then it is not the officer\'s; when it did (open or decided), it is', () => {
    expect(hasReviewOf(stateOf('CASE000000000001'), 'publicSecurity')).toBe(false);
    const open = stateOf('CASE000000000001', [underReview('publicSecurity')]);
    expect(hasReviewOf(open, 'publicSecurity')).toBe(true);
    expect(hasReviewOf(open, 'medicalSecurity')).toBe(false);
    // decided: the memo's entries carry no data, the service names the agency
    const { data: _data, ...withoutData } = underReview('publicSecurity');
    expect(hasReviewOf(stateOf('CASE000000000001', [withoutData as CaseEvent]), 'publicSecurity')).toBe(true);
  });
});

describe('finding 10: tracking a known and an unknown case takes the same steps', () => {
  async function trackWith(read: (caseId: string) => Promise<BirthCaseState>): Promise<{ status: number; reads: number; hashes: number }> {
    const config = testConfig();
    let reads = 0;
    const cases = { read: (id: string) => { reads += 1; return read(id); } } as unknown as CaseRepository;
    hashChecks.mockClear();
    const app = express().use(express.json()).use('/api/track', parentRoutes({ cases, config })).use(errorHandler);
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    try {
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/api/track`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ trackingCode: 'CASE000000000001-ABCDEFGHJKMN', phoneLast4: '8000' }),
      });
      return { status: res.status, reads, hashes: hashChecks.mock.calls.length };
    } finally {
      server.close();
    }
  }

  test('when the case exists (wrong secret) and when it does not, then both read once, hash once and answer the same 404', async () => {
    const known = await trackWith(async (id) => stateOf(id));
    const unknown = await trackWith(async (id) => { throw new WorkflowNotFoundError('not found', id, undefined); });
    expect(known).toEqual({ status: 404, reads: 1, hashes: 1 });
    expect(unknown).toEqual(known);
  });
});

describe('retention (item 1)', () => {
  afterEach(() => { jest.useRealTimers(); });

  test('when the API process runs, then it prunes the access log a minute after start and every day after, by ACCESS_LOG_RETENTION_DAYS', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    const pruned: unknown[] = [];
    const logger = { info: (o: unknown, m: string) => { if (m === 'access log pruned') pruned.push(o); }, error: () => undefined } as unknown as pino.Logger;
    const log = openAccessLog({ DATA_DIR: freshDir(), ACCESS_LOG_RETENTION_DAYS: 200 }, logger, {});
    await readRecorder(log).record(staffReq({ sub: 'a', role: 'admin' }), 'CASE000000000001', 'case');
    const settle = async (): Promise<void> => { for (let i = 0; i < 50 && pruned.length === 0; i++) await new Promise((r) => setImmediate(r)); };
    jest.advanceTimersByTime(59_000);
    await settle();
    expect(pruned).toHaveLength(0);
    jest.advanceTimersByTime(1_000);
    await settle();
    expect(pruned).toEqual([{ pruned: 0, anchor: null }]); // nothing is 200 days old yet
    jest.advanceTimersByTime(24 * 3600 * 1000);
    for (let i = 0; i < 50 && pruned.length < 2; i++) await new Promise((r) => setImmediate(r));
    expect(pruned).toHaveLength(2);
  });
});
