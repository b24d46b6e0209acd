// 跨域通办平台 the cross-region exchange (issue 19): carries an application to another place's agency and
// reads that place's answer back; verifies another place's birth certificate and transfers a vaccination
// record for a child born elsewhere. Routes as the plan names them (mock-agencies: exchange.routes.ts).
// Failures: AgencyRefused (a certificate that does not match, a forward the exchange will not carry) ·
// AgencyProtocolError (no forward with that key) · AgencyUnavailableError (retried: the exchange is down).
import { z } from 'zod';
import { ChannelSchema } from '../domain/catalog';
import { agencyClient, keyPath, type AgencyClientConfig } from './agency-http';
import type { ExchangeActivities, ForwardAck, ForwardStatus, TransferredVaccinationRecord, VerifiedBirthCertificate, WithdrawForwardAnswer } from './exchange.types';

const ExchangeChannelSchema = ChannelSchema.exclude(['local']);
const ForwardAckSchema: z.ZodType<ForwardAck> = z.object({ forwardId: z.string().min(1), channel: ExchangeChannelSchema, acknowledgedAt: z.string(), dueAt: z.string() });
const base = { forwardId: z.string().min(1), channel: ExchangeChannelSchema };
const ForwardStatusSchema: z.ZodType<ForwardStatus> = z.discriminatedUnion('state', [
  z.object({ state: z.literal('pending'), ...base, dueAt: z.string() }),
  z.object({ state: z.literal('originals_requested'), ...base, items: z.array(z.string().max(200)).max(20), postTo: z.string().max(200), dueAt: z.string() }),
  z.object({ state: z.literal('completed'), ...base, result: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])) }),
  z.object({ state: z.literal('refused'), ...base, reason: z.string().max(500) }),
  z.object({ state: z.literal('withdrawn'), ...base }),
]);
const WithdrawAnswerSchema: z.ZodType<WithdrawForwardAnswer> = z.object({ forwardId: z.string(), withdrawn: z.boolean(), answer: z.string().max(500) });
const VerifiedSchema: z.ZodType<VerifiedBirthCertificate> = z.object({ certificateNumber: z.string().min(1), issuedBy: z.string(), verifiedAt: z.string() });
const TransferredSchema: z.ZodType<TransferredVaccinationRecord> = z.object({ certificateNumber: z.string().min(1), transferredFrom: z.string(), nextDoses: z.array(z.unknown()) });

export function createExchangeAdapter(config: AgencyClientConfig): ExchangeActivities {
  const client = agencyClient('exchange', config);
  return {
    forwardApplication: (req) =>
      client.call({ operation: 'forwardApplication', method: 'POST', path: 'exchange/forwards', idempotencyKey: req.idempotencyKey, body: req }, ForwardAckSchema),
    getForwardStatus: ({ idempotencyKey }) =>
      client.call({ operation: 'getForwardStatus', method: 'GET', path: keyPath('exchange/forwards', idempotencyKey), idempotencyKey }, ForwardStatusSchema),
    withdrawForward: (req) =>
      client.call(
        { operation: 'withdrawForward', method: 'POST', path: `${keyPath('exchange/forwards', req.idempotencyKey)}/withdrawal`, idempotencyKey: `${req.idempotencyKey}:withdrawal`, body: { reason: req.reason } },
        WithdrawAnswerSchema,
      ),
    verifyBirthCertificate: (req) =>
      client.call({ operation: 'verifyBirthCertificate', method: 'POST', path: 'exchange/birth-certificates/verifications', idempotencyKey: req.idempotencyKey, body: req }, VerifiedSchema),
    transferVaccinationRecord: (req) =>
      client.call({ operation: 'transferVaccinationRecord', method: 'POST', path: 'exchange/vaccination-transfers', idempotencyKey: req.idempotencyKey, body: req }, TransferredSchema),
  };
}
