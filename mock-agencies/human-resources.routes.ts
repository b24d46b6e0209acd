// 市人社局: social-security card application. The application number comes at once; the card is made
// and posted `cardProductionDays` (scaled) later, announced by a `card.posted` callback.
import { Router } from 'express';
import { z } from 'zod';
import type { CorrectionItem, SocialSecurityCardStatus } from '../activities/agency.types';
import { citizenIdItems, nameItems, numbered, subjectKey } from './agency-checks';
import type { CompensationHooks } from './compensation.routes';
import type { MockContext } from './context';
import { send } from './faults';
import { correctionRequired, errorBody, idempotentCommand, refused } from './idempotency';
import { isJinanRegion, parseCitizenId } from './identity.rules';
import { ENROLMENT_PREFIX, type EnrolmentData } from './medical-security.routes';

export const CardApplicationBody = z.object({
  idempotencyKey: z.string().optional(),
  caseId: z.string().min(1).max(100),
  childCitizenId: z.string().max(30),
  childName: z.string().max(50),
  enrolmentNumber: z.string().max(30),
  delivery: z.object({
    method: z.enum(['ems', 'pickup']),
    address: z.string().max(200).nullable(),
    recipient: z.enum(['mother', 'father']),
  }),
});

const CARD_POSTED = 'card.posted';

/** An EMS-style S10 number: 2 letters, 8-digit serial, UPU check digit, CN. */
export function emsTrackingNumber(serial: number): string {
  const digits = String(serial % 100_000_000).padStart(8, '0');
  const sum = [8, 6, 4, 2, 3, 5, 9, 7].reduce((acc, w, i) => acc + w * Number(digits[i]), 0);
  const check = 11 - (sum % 11);
  return `EM${digits}${check === 10 ? 0 : check === 11 ? 5 : check}CN`;
}

export function humanResourcesRoutes(ctx: MockContext): Router {
  const { store } = ctx;

  /** The enrolment must exist at medical security and belong to this child. */
  function enrolmentItems(enrolmentNumber: string, childCitizenId: string): CorrectionItem[] {
    const id = enrolmentNumber.startsWith(ENROLMENT_PREFIX) ? Number(enrolmentNumber.slice(ENROLMENT_PREFIX.length)) : NaN;
    const enrolment = Number.isInteger(id) ? store.recordById<{ enrolmentNumber?: string }, EnrolmentData>(id) : undefined;
    if (!enrolment || enrolment.agency !== 'medicalSecurity' || enrolment.state.enrolmentNumber !== enrolmentNumber) {
      return [{ path: 'enrolmentNumber', message: 'enrolment number unknown to medical security' }];
    }
    if (enrolment.data.childSubject !== subjectKey(childCitizenId)) {
      return [{ path: 'enrolmentNumber', message: 'the enrolment belongs to another person' }];
    }
    return [];
  }

  ctx.scheduler.on(CARD_POSTED, (recordId) => {
    const record = store.recordById<SocialSecurityCardStatus, unknown>(recordId)!;
    if (record.state.state !== 'in_production') return; // stopped by a withdrawal: never made, never posted
    const posted: SocialSecurityCardStatus = {
      state: 'posted',
      applicationNumber: record.state.applicationNumber,
      cardNumber: `J${37_010_000 + recordId}`,
      trackingNumber: emsTrackingNumber(10_000_000 + recordId),
    };
    store.updateState(recordId, posted);
    ctx.callbacks.enqueue({
      agency: 'humanResources',
      type: 'card.posted',
      service: 'socialSecurityCard',
      caseId: record.caseId,
      idempotencyKey: record.idempotencyKey,
      applicationNumber: posted.applicationNumber,
      cardNumber: posted.cardNumber,
      trackingNumber: posted.trackingNumber,
    });
  });

  const router = Router();
  router.post(
    '/social-security-cards',
    ctx.faults.gate('humanResources'),
    idempotentCommand(store, {
      agency: 'humanResources',
      operation: 'applySocialSecurityCard',
      schema: CardApplicationBody,
      execute(input, key) {
        const items: CorrectionItem[] = [
          ...nameItems('childName', input.childName),
          ...citizenIdItems('childCitizenId', input.childCitizenId, false),
          ...enrolmentItems(input.enrolmentNumber, input.childCitizenId),
          ...(input.delivery.method === 'ems' && !input.delivery.address?.trim()
            ? [{ path: 'delivery.address', message: 'an EMS delivery needs an address' }]
            : []),
        ];
        const child = parseCitizenId(input.childCitizenId);
        if (items.length > 0 || !child) return correctionRequired(items);
        if (!isJinanRegion(child.regionCode)) return refused('the child is not in a Jinan household: apply where the household is');
        const childSubject = subjectKey(input.childCitizenId);
        if (store.recordBySubject('humanResources', childSubject)) {
          return refused('a social-security card was already applied for this child');
        }
        const id = store.insertRecord({
          agency: 'humanResources', service: 'socialSecurityCard', caseId: input.caseId, idempotencyKey: key,
          subject: childSubject, state: {}, data: {},
        });
        const status: SocialSecurityCardStatus = { state: 'in_production', applicationNumber: numbered('SSA3701', id, 8) };
        store.updateState(id, status);
        ctx.scheduler.schedule(CARD_POSTED, id, Date.now() + ctx.daysToMs(ctx.cardProductionDays));
        return { status: 202, body: status };
      },
    }),
  );

  router.get('/social-security-cards/:idempotencyKey', ctx.faults.gate('humanResources'), (req, res) => {
    const record = store.recordByKey<SocialSecurityCardStatus, unknown>('humanResources', String(req.params.idempotencyKey));
    if (!record) return send(req, res, 404, errorBody('NOT_FOUND', 'no card application with this idempotency key'));
    send(req, res, 200, record.state);
  });
  return router;
}

/** Compensation (compensation.routes.ts): a card not yet posted is stopped; a posted card is a document. */
export const humanResourcesCompensation = (ctx: MockContext): CompensationHooks => ({
  submitOperation: 'applySocialSecurityCard',
  documentOf: (record) => {
    const state = record.state as SocialSecurityCardStatus;
    return state.state === 'posted' ? `社会保障卡 ${state.cardNumber}（邮件号 ${state.trackingNumber}）` : null;
  },
  withdrawPending: (record) => {
    const state = record.state as SocialSecurityCardStatus;
    if (state.state !== 'in_production') return null;
    ctx.store.updateState(record.id, { state: 'stopped', applicationNumber: state.applicationNumber } satisfies SocialSecurityCardStatus);
    return { outcome: 'withdrawn', document: null, message: `card production stopped before posting (application ${state.applicationNumber})` };
  },
});
