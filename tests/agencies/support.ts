// Test support for the agency suites: a mock on a free port over its own temp SQLite file, the real
// adapters pointed at it, admin helpers, request builders and a tiny callback receiver.
import { ApplicationFailure } from '@temporalio/common';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAgencyActivities, createReviewDesk } from '../../activities';
import type {
  AgencyActivities,
  AgencyName,
  BirthCertificateRequest,
  HouseholdRequest,
  MedicalInsuranceRequest,
  PersonRef,
  SmsRequest,
  SocialSecurityCardRequest,
  VaccinationRequest,
} from '../../activities/agency.types';
import type { FaultSettings } from '../../mock-agencies/faults';
import { AGENCY_NAMES } from '../../domain/catalog';
import { buildCitizenId } from '../../mock-agencies/identity.rules';
import { startMockAgencies, type MockAgencies, type MockAgenciesOptions } from '../../mock-agencies/server';

// Generous on a shared 2-core machine: every commit of the mock fsyncs (synchronous=FULL).
export const ADAPTER_TIMEOUT_MS = 2000;

export interface TestMock extends MockAgencies {
  dbFile: string;
  options: MockAgenciesOptions;
  agencies: AgencyActivities;
  desk: ReturnType<typeof createReviewDesk>;
  admin: {
    records(filter?: { caseId?: string; agency?: AgencyName }): Promise<{ total: number; records: Array<{ agency: string; service: string; caseId: string; count: number }> }>;
    count(caseId: string, agency?: AgencyName): Promise<number>;
    setFaults(agency: AgencyName, settings: FaultSettings): Promise<void>;
    clearFaults(): Promise<void>;
    callbacks(caseId?: string): Promise<Array<{ eventId: string; type: string; attempts: number; deliveredAt: string | null; lastError: string | null }>>;
    get<T = unknown>(path: string): Promise<{ status: number; body: T }>;
  };
}

/** Starts a mock (days of 0.2 s, fast polling) over `dbFile` or a new temp file. */
export async function startTestMock(options: Partial<MockAgenciesOptions> = {}): Promise<TestMock> {
  const dbFile = options.dbFile ?? join(mkdtempSync(join(tmpdir(), 'mock-agencies-')), 'mock-agencies.sqlite');
  const full: MockAgenciesOptions = {
    port: 0,
    secondsPerDay: 0.2,
    pollIntervalMs: 25,
    callbackRetry: { initialMs: 50, maxMs: 400 },
    callbackTimeoutMs: 1000,
    ...options,
    dbFile,
  };
  const mock = await startMockAgencies(full);
  const get = async <T = unknown>(path: string) => {
    const res = await fetch(`${mock.url}${path}`);
    return { status: res.status, body: (await res.json()) as T };
  };
  const admin: TestMock['admin'] = {
    get,
    async records(filter = {}) {
      const q = new URLSearchParams(filter as Record<string, string>);
      return (await get<Awaited<ReturnType<TestMock['admin']['records']>>>(`/admin/records?${q}`)).body;
    },
    async count(caseId, agency) {
      return (await admin.records({ caseId, ...(agency ? { agency } : {}) })).total;
    },
    async setFaults(agency, settings) {
      const res = await fetch(`${mock.url}/admin/faults/${agency}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(settings),
      });
      if (res.status !== 200) throw new Error(`setFaults answered ${res.status}: ${await res.text()}`);
    },
    async clearFaults() {
      for (const agency of AGENCY_NAMES) {
        await admin.setFaults(agency, {});
      }
    },
    async callbacks(caseId) {
      const path = `/admin/callbacks${caseId ? `?caseId=${encodeURIComponent(caseId)}` : ''}`;
      return (await get<{ callbacks: Awaited<ReturnType<TestMock['admin']['callbacks']>> }>(path)).body.callbacks;
    },
  };
  return {
    ...mock,
    dbFile,
    options: full,
    agencies: createAgencyActivities({ baseUrl: mock.url, timeoutMs: ADAPTER_TIMEOUT_MS }),
    desk: createReviewDesk({ baseUrl: mock.url, timeoutMs: 2000 }),
    admin,
  };
}

/** The error a promise rejects with; fails the test if it resolves. */
export async function failureOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a failure, got a result');
}

export function expectApplicationFailure(err: Error, type: string): ApplicationFailure {
  expect(err).toBeInstanceOf(ApplicationFailure);
  const failure = err as ApplicationFailure;
  expect(failure.type).toBe(type);
  expect(failure.nonRetryable).toBe(true);
  return failure;
}

/** A retryable transport error: a plain Error (not an ApplicationFailure), named for Temporal's failure type. */
export function expectRetryable(err: Error): void {
  expect(err).not.toBeInstanceOf(ApplicationFailure);
  expect(err.name).toBe('AgencyUnavailableError');
}

// --- data ---

let serial = 0;
/** Unique per call within a process: case ids, idempotency keys. */
export function uniqueId(prefix: string): string {
  serial += 1;
  return `${prefix}-${serial}-${randomUUID().slice(0, 8)}`;
}

/** A well-formed citizen ID; the sequence says male (odd) or female (even); 999/998 are the register markers. */
export function personId(regionCode: string, birthDate: string, sequence: number): string {
  return buildCitizenId(regionCode, birthDate, sequence);
}

let childSerial = 0;
/** A fresh valid Jinan child ID for birth date `birthDate` (for the medical/card agencies). */
export function childId(birthDate: string, regionCode = '370102'): string {
  childSerial += 1;
  return buildCitizenId(regionCode, birthDate, 100 + (childSerial % 800));
}

let parentSerial = 0;
/** A new mother each call (the health commission issues one certificate per child of a mother). */
export function mother(overrides: Partial<PersonRef> = {}): PersonRef {
  parentSerial += 1;
  return { name: '王芳', idNumber: personId('370102', '1992-03-04', 2 + 2 * (parentSerial % 480)), hukouRegionCode: '370102', ...overrides };
}

export function father(overrides: Partial<PersonRef> = {}): PersonRef {
  parentSerial += 1;
  return { name: '李强', idNumber: personId('370103', '1990-05-06', 1 + 2 * (parentSerial % 480)), hukouRegionCode: '370103', ...overrides };
}

export function birthCertificateRequest(caseId: string, overrides: Partial<BirthCertificateRequest> = {}): BirthCertificateRequest {
  return {
    idempotencyKey: `${caseId}:birthCertificate`,
    caseId,
    hospitalId: 'H0001',
    newborn: { name: '李安然', sex: 'F', birthAt: '2026-11-20T08:30:00+08:00', birthWeightGrams: 3250 },
    mother: mother(),
    father: father(),
    ...overrides,
  };
}

export function vaccinationRequest(caseId: string, overrides: Partial<VaccinationRequest> = {}): VaccinationRequest {
  return {
    idempotencyKey: `${caseId}:vaccination`,
    caseId,
    hospitalId: 'H0001',
    newborn: { name: '李安然', sex: 'F', birthAt: '2026-11-20T08:30:00+08:00' },
    mother: mother(),
    dosesGiven: ['HepB-1', 'BCG'],
    ...overrides,
  };
}

/** Each call gets its own certificate number (a certificate registers one child only). */
let certificateSerial = 0;
export function householdRequest(caseId: string, overrides: Partial<HouseholdRequest> = {}): HouseholdRequest {
  certificateSerial += 1;
  return {
    idempotencyKey: `${caseId}:household`,
    caseId,
    birthCertificateNumber: `Q${String(certificateSerial).padStart(9, '0')}`,
    newborn: { name: '李安然', sex: 'F', birthAt: '2026-11-20T08:30:00+08:00' },
    mother: mother(),
    father: father(),
    married: true,
    householdOf: 'father',
    ...overrides,
  };
}

export function medicalInsuranceRequest(caseId: string, overrides: Partial<MedicalInsuranceRequest> = {}): MedicalInsuranceRequest {
  const birthAt = overrides.birthAt ?? '2026-11-20T08:30:00+08:00';
  return {
    idempotencyKey: `${caseId}:medicalInsurance`,
    caseId,
    childCitizenId: childId(birthAt.slice(0, 10)),
    childName: '李安然',
    birthAt,
    birthOrder: 2,
    enrolledOn: '2026-11-25',
    ...overrides,
  };
}

/** A card request for a child enrolled just now at medical security (the card office checks the enrolment). */
export async function cardRequest(agencies: AgencyActivities, caseId: string, overrides: Partial<SocialSecurityCardRequest> = {}): Promise<SocialSecurityCardRequest> {
  const enrolment = medicalInsuranceRequest(caseId);
  const { enrolmentNumber } = await agencies.enrolMedicalInsurance(enrolment);
  return {
    idempotencyKey: `${caseId}:socialSecurityCard`,
    caseId,
    childCitizenId: enrolment.childCitizenId,
    childName: enrolment.childName,
    enrolmentNumber,
    delivery: { method: 'ems', address: '济南市历下区泉城路1号', recipient: 'mother' },
    ...overrides,
  };
}

export function smsRequest(caseId: string, overrides: Partial<SmsRequest> = {}): SmsRequest {
  return {
    idempotencyKey: `${caseId}:sms:case_accepted`,
    caseId,
    phone: '13800138000',
    template: 'case_accepted',
    params: { trackingCode: 'TRK12345678' },
    ...overrides,
  };
}

// --- a callback receiver ---

export interface ReceivedCallback { path: string; headers: IncomingHttpHeaders; body: string }

export interface CallbackReceiver {
  url: string;
  port: number;
  received: ReceivedCallback[];
  /** answer this status to the next `n` requests (then 200) */
  failNext(n: number, status?: number): void;
  close(): Promise<void>;
}

export async function startReceiver(port = 0): Promise<CallbackReceiver> {
  const received: ReceivedCallback[] = [];
  let failures = 0;
  let failStatus = 500;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (failures > 0) {
        failures -= 1;
        res.writeHead(failStatus).end();
        return;
      }
      received.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"received":true}');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const actual = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${actual}/api/agency-callbacks`,
    port: actual,
    received,
    failNext(n, status = 500) {
      failures = n;
      failStatus = status;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A port that was free a moment ago (for a receiver that is "down" first and comes up later). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
