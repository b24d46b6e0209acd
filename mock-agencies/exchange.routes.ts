// 跨域通办平台 (issue 19): the government-service platform's channel to another place's agency. A forward is
// acknowledged at once (202, with the channel's service level as dueAt); the other place answers days
// later (scaled), announced by a signed `forward.answered` callback: completed, refused, or originals to be
// posted by a deadline (then answered once an operator marks them received, refused when overdue). Also the
// check of another place's birth certificate and the transfer of a vaccination record. Triggers: README.md.
import { Router } from 'express';
import { z } from 'zod';
import type { ForwardKind, ForwardStatus } from '../activities/exchange.types';
import { CHANNELS, type ExchangeChannel } from '../domain/catalog';
import { regionLabel } from '../domain/regions';
import { isoInstant, numbered, subjectKey } from './agency-checks';
import type { MockContext } from './context';
import {
  certificateRefusal, exchangeChannelTo, ORIGINALS_POSTING_DAYS, planForward, postToOf, type ForwardPlan,
} from './exchange.rules';
import { send } from './faults';
import { errorBody, idempotentCommand, refused, type Answer } from './idempotency';
import { buildCitizenId, shanghaiDate, shanghaiIso } from './identity.rules';
import { emsTrackingNumber } from './human-resources.routes';
import { nextDoses } from './vaccination.rules';
import type { RecordRow } from './store';

/** Agency days per channel: the service level promised (dueAt) and when the other place actually answers. */
export interface ExchangeTiming { serviceLevelDays: Record<ExchangeChannel, number>; answerDays: Record<ExchangeChannel, number> }
export const DEFAULT_EXCHANGE_TIMING: ExchangeTiming = {
  serviceLevelDays: { inProvince: CHANNELS.inProvince.serviceLevelDays, crossProvince: CHANNELS.crossProvince.serviceLevelDays },
  answerDays: { inProvince: 3, crossProvince: 6 },
};
/** Agency days from originals received to the answer. */
const AFTER_ORIGINALS_DAYS = 1;

const KINDS = ['household', 'medicalInsurance', 'socialSecurityCard'] as const satisfies readonly ForwardKind[];
const regionCode = z.string().regex(/^\d{6}$/);
export const ForwardBody = z.object({
  idempotencyKey: z.string().optional(),
  caseId: z.string().min(1).max(100),
  kind: z.enum(KINDS),
  destinationRegionCode: regionCode,
  application: z.record(z.string(), z.unknown()),
});
const WithdrawalBody = z.object({ reason: z.string().min(1).max(500) });
const person = z.object({ name: z.string().max(50), idNumber: z.string().max(30) });
const VerificationBody = z.object({
  idempotencyKey: z.string().optional(),
  caseId: z.string().min(1).max(100),
  certificateNumber: z.string().regex(/^[A-Z]\d{9}$/),
  issuingRegionCode: regionCode,
  hospitalName: z.string().min(1).max(60),
  mother: person,
  newborn: z.object({ sex: z.enum(['M', 'F']), birthAt: isoInstant }),
});
const TransferBody = z.object({
  idempotencyKey: z.string().optional(),
  caseId: z.string().min(1).max(100),
  fromRegionCode: regionCode,
  newborn: z.object({ name: z.string().max(50).nullable(), sex: z.enum(['M', 'F']), birthAt: isoInstant }),
  mother: person,
});

/** What the mock keeps of a forward: the public status, and no names or ID numbers. */
interface ForwardState { status: ForwardStatus; originalsReceived: boolean }
interface ForwardData { kind: ForwardKind; destination: string; plan: ForwardPlan; birthDate: string | null; sex: 'M' | 'F' | null }

const ANSWER = 'exchange.answer';
const ORIGINALS_OVERDUE = 'exchange.originals_overdue';

const newbornOf = (application: Record<string, unknown>): { birthDate: string | null; sex: 'M' | 'F' | null } => {
  const n = (application.newborn ?? {}) as { birthAt?: unknown; sex?: unknown };
  const birthDate = typeof n.birthAt === 'string' && !Number.isNaN(Date.parse(n.birthAt)) ? shanghaiDate(n.birthAt) : null;
  return { birthDate, sex: n.sex === 'M' || n.sex === 'F' ? n.sex : null };
};

export function exchangeRoutes(ctx: MockContext): Router {
  const { store } = ctx;
  const timing = ctx.exchangeTiming;
  const db = store.db;
  const stmt = {
    lastSequence: db.prepare('SELECT MAX(sequence) AS last FROM citizen_ids WHERE region_code = ? AND birth_date = ? AND sequence % 2 = ?'),
    insertCitizenId: db.prepare('INSERT INTO citizen_ids (citizen_id, region_code, birth_date, sequence, record_id) VALUES (?, ?, ?, ?, ?)'),
  };
  const dueIn = (days: number): string => shanghaiIso(new Date(Date.now() + ctx.daysToMs(days)));

  /** The child's citizen ID issued by the other place's register (its region, the birth date, next sequence). */
  function issueCitizenId(recordId: number, destination: string, birthDate: string, sex: 'M' | 'F'): string {
    const { last } = stmt.lastSequence.get(destination, birthDate, sex === 'M' ? 1 : 0) as { last: number | null };
    const sequence = last === null ? (sex === 'M' ? 1 : 2) : last + 2;
    const citizenId = buildCitizenId(destination, birthDate, sequence);
    stmt.insertCitizenId.run(citizenId, destination, birthDate, sequence, recordId);
    return citizenId;
  }

  function resultOf(record: RecordRow<ForwardState, ForwardData>): Extract<ForwardStatus, { state: 'completed' }>['result'] {
    const { kind, destination, birthDate, sex } = record.data;
    const today = shanghaiDate(new Date());
    if (kind === 'household') {
      if (!birthDate || !sex) return { citizenId: null, regionCode: destination };
      return { citizenId: issueCitizenId(record.id, destination, birthDate, sex), regionCode: destination, registeredOn: today };
    }
    if (kind === 'medicalInsurance') return { enrolmentNumber: numbered(`YB${destination}`, record.id, 8), enrolledOn: today, waived: false };
    return {
      applicationNumber: numbered(`SSA${destination.slice(0, 4)}`, record.id, 8),
      cardNumber: `J${destination.slice(0, 4)}${String(record.id).padStart(6, '0')}`,
      trackingNumber: emsTrackingNumber(20_000_000 + record.id),
    };
  }

  /** The other place's next answer, from its plan; null when there is nothing to answer yet. */
  function nextStatus(record: RecordRow<ForwardState, ForwardData>): ForwardStatus | null {
    const { status, originalsReceived } = record.state;
    if (status.state !== 'pending') return null;
    const base = { forwardId: status.forwardId, channel: status.channel };
    const { plan, destination } = record.data;
    if (plan.kind === 'refuse') return { state: 'refused', ...base, reason: plan.reason };
    if (plan.kind === 'originals' && !originalsReceived) {
      const dueAt = dueIn(ORIGINALS_POSTING_DAYS);
      ctx.scheduler.schedule(ORIGINALS_OVERDUE, record.id, Date.parse(dueAt));
      return { state: 'originals_requested', ...base, items: plan.items, postTo: postToOf(destination), dueAt };
    }
    return { state: 'completed', ...base, result: resultOf(record) };
  }

  /** A new status, announced to the orchestrator in the same transaction (the case reads it again). */
  function answer(record: RecordRow<ForwardState, ForwardData>, status: ForwardStatus): void {
    store.updateState(record.id, { ...record.state, status } satisfies ForwardState);
    ctx.callbacks.enqueue({
      agency: 'exchange', type: 'forward.answered', service: record.data.kind, caseId: record.caseId,
      idempotencyKey: record.idempotencyKey, forwardId: status.forwardId,
    });
  }

  ctx.scheduler.on(ANSWER, (recordId) => {
    const record = store.recordById<ForwardState, ForwardData>(recordId)!;
    const status = nextStatus(record);
    if (status) answer(record, status);
  });
  ctx.scheduler.on(ORIGINALS_OVERDUE, (recordId) => {
    const record = store.recordById<ForwardState, ForwardData>(recordId)!;
    const { status } = record.state;
    if (status.state !== 'originals_requested') return; // received (or withdrawn) in time
    answer(record, { state: 'refused', forwardId: status.forwardId, channel: status.channel, reason: '逾期未收到寄送的原件，不予办理' });
  });

  function forward(input: z.infer<typeof ForwardBody>, key: string): Answer {
    const channel = exchangeChannelTo(input.destinationRegionCode);
    if (channel === null) {
      return { status: 400, body: errorBody('VALIDATION_FAILED', 'not a place the exchange forwards to', { issues: [{ path: 'destinationRegionCode', message: 'a known region outside Jinan is required' }] }) };
    }
    const data: ForwardData = {
      kind: input.kind, destination: input.destinationRegionCode, ...newbornOf(input.application),
      plan: planForward(input.kind, input.destinationRegionCode, input.application),
    };
    const id = store.insertRecord({ agency: 'exchange', service: input.kind, caseId: input.caseId, idempotencyKey: key, subject: null, state: {}, data });
    const forwardId = numbered(`FW${input.destinationRegionCode}`, id, 8);
    const dueAt = dueIn(timing.serviceLevelDays[channel]);
    store.updateState(id, { status: { state: 'pending', forwardId, channel, dueAt }, originalsReceived: false } satisfies ForwardState);
    ctx.scheduler.schedule(ANSWER, id, Date.now() + ctx.daysToMs(timing.answerDays[channel]));
    return { status: 202, body: { forwardId, channel, acknowledgedAt: shanghaiIso(new Date()), dueAt } };
  }

  function withdraw(record: RecordRow<ForwardState, ForwardData>, reason: string): Answer {
    const { status } = record.state;
    const base = { forwardId: status.forwardId, channel: status.channel };
    if (status.state === 'pending' || status.state === 'originals_requested') {
      store.updateState(record.id, { ...record.state, status: { state: 'withdrawn', ...base } } satisfies ForwardState);
      return { status: 200, body: { forwardId: status.forwardId, withdrawn: true, answer: `${regionLabel(record.data.destination)}已撤回该申请（${reason.slice(0, 100)}）` } };
    }
    const answerText = status.state === 'completed' ? '对方已办结，无法撤回，请向对方申请注销' : status.state === 'refused' ? '对方已不予办理，无需撤回' : '已撤回';
    return { status: 200, body: { forwardId: status.forwardId, withdrawn: status.state === 'withdrawn', answer: answerText } };
  }

  const router = Router();
  const gate = ctx.faults.gate('exchange');
  router.post('/forwards', gate, idempotentCommand(store, { agency: 'exchange', operation: 'forwardApplication', schema: ForwardBody, execute: forward }));

  router.get('/forwards/:idempotencyKey', gate, (req, res) => {
    const record = store.recordByKey<ForwardState, ForwardData>('exchange', String(req.params.idempotencyKey));
    if (!record || !record.state.status) return send(req, res, 404, errorBody('NOT_FOUND', 'no forward with this idempotency key'));
    send(req, res, 200, record.state.status);
  });

  const withdrawal = idempotentCommand(store, {
    agency: 'exchange', operation: 'withdrawForward', schema: WithdrawalBody.extend({ forwardKey: z.string() }),
    execute: (input) => withdraw(store.recordByKey<ForwardState, ForwardData>('exchange', input.forwardKey)!, input.reason),
  });
  router.post('/forwards/:idempotencyKey/withdrawal', gate, (req, res, next) => {
    const record = store.recordByKey<ForwardState, ForwardData>('exchange', String(req.params.idempotencyKey));
    if (!record?.state.status || !(KINDS as readonly string[]).includes(record.service)) {
      return send(req, res, 404, errorBody('NOT_FOUND', 'no forward with this idempotency key'));
    }
    const body: unknown = req.body;
    req.body = { ...(body && typeof body === 'object' ? body : {}), forwardKey: record.idempotencyKey };
    withdrawal(req, res, next);
  });

  router.post('/birth-certificates/verifications', gate, idempotentCommand(store, {
    agency: 'exchange', operation: 'verifyBirthCertificate', schema: VerificationBody,
    execute(input) {
      const reason = certificateRefusal(input.certificateNumber, input.issuingRegionCode);
      if (reason) return refused(reason);
      return { status: 200, body: { certificateNumber: input.certificateNumber, issuedBy: `${regionLabel(input.issuingRegionCode)}${input.hospitalName}`, verifiedAt: shanghaiIso(new Date()) } };
    },
  }));

  router.post('/vaccination-transfers', gate, idempotentCommand(store, {
    agency: 'exchange', operation: 'transferVaccinationRecord', schema: TransferBody,
    execute(input, key) {
      if (exchangeChannelTo(input.fromRegionCode) === null) return refused('转出地不是济南市以外的已知地区');
      const subject = subjectKey('vaccination-transfer', input.mother.idNumber, input.newborn.birthAt, input.newborn.sex);
      if (store.recordBySubject('exchange', subject)) return refused('该儿童的预防接种档案已转入济南');
      const id = store.insertRecord({ agency: 'exchange', service: 'vaccination', caseId: input.caseId, idempotencyKey: key, subject, state: {}, data: { from: input.fromRegionCode } });
      const birthDate = shanghaiDate(input.newborn.birthAt);
      const body = { certificateNumber: numbered('YJ3701', id, 10), transferredFrom: regionLabel(input.fromRegionCode), nextDoses: nextDoses(birthDate, ['HepB-1', 'BCG']) };
      store.updateState(id, body);
      return { status: 201, body };
    },
  }));
  return router;
}

/** Operator / test route: the other place has the posted originals; it answers AFTER_ORIGINALS_DAYS later. */
export function exchangeAdminRoutes(ctx: MockContext): Router {
  const router = Router();
  router.post('/forwards/:forwardId/originals-received', (req, res) => {
    const forwardId = String(req.params.forwardId);
    const record = /^FW\d{6}\d{8}$/.test(forwardId) ? ctx.store.recordById<ForwardState, ForwardData>(Number(forwardId.slice(8))) : undefined;
    if (!record || record.agency !== 'exchange' || record.state.status?.forwardId !== forwardId) {
      return void res.status(404).json(errorBody('NOT_FOUND', 'no such forward'));
    }
    const { status } = record.state;
    if (status.state !== 'originals_requested') return void res.status(409).json(errorBody('CONFLICT', `the forward is ${status.state}`));
    ctx.store.db.transaction(() => {
      const pending: ForwardStatus = { state: 'pending', forwardId, channel: status.channel, dueAt: status.dueAt };
      ctx.store.updateState(record.id, { status: pending, originalsReceived: true } satisfies ForwardState);
      ctx.scheduler.schedule(ANSWER, record.id, Date.now() + ctx.daysToMs(AFTER_ORIGINALS_DAYS));
    }).immediate();
    res.json({ forwardId, state: 'pending', originalsReceived: true });
  });
  return router;
}
