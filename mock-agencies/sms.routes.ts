// SMS gateway: accepts a message and records it in an outbox that tests (and operators) can read. The
// outbox holds the phone number because that is what a gateway stores; it is never logged.
import { Router } from 'express';
import { z } from 'zod';
import { numbered } from './agency-checks';
import type { MockContext } from './context';
import { correctionRequired, idempotentCommand, refused } from './idempotency';
import type { MockStore } from './store';

export const SmsBody = z.object({
  idempotencyKey: z.string().optional(),
  caseId: z.string().min(1).max(100),
  phone: z.string().max(20),
  template: z.enum(['case_accepted', 'action_required', 'service_completed', 'case_completed', 'deadline_approaching', 'sign_in_code']),
  params: z.record(z.string().max(50), z.string().max(200)),
});

interface SmsData { phone: string; template: string; params: Record<string, string>; sentAt: string }

export function smsOutbox(store: MockStore, caseId: string | undefined): Array<SmsData & { messageId: string; caseId: string }> {
  return store
    .recordsOf<{ messageId: string }, SmsData>('sms', caseId)
    .map((r) => ({ messageId: r.state.messageId, caseId: r.caseId, ...r.data }));
}

export function smsRoutes(ctx: MockContext): Router {
  const router = Router();
  router.post(
    '/messages',
    ctx.faults.gate('sms'),
    idempotentCommand(ctx.store, {
      agency: 'sms',
      operation: 'sendSms',
      schema: SmsBody,
      execute(input, key) {
        if (!/^1\d{10}$/.test(input.phone)) return correctionRequired([{ path: 'phone', message: 'not an 11-digit mobile number' }]);
        // Deterministic trigger: numbers ending in 0000 have opted out of government SMS.
        if (input.phone.endsWith('0000')) return refused('the recipient has opted out of government SMS');
        const data: SmsData = { phone: input.phone, template: input.template, params: input.params, sentAt: new Date().toISOString() };
        const id = ctx.store.insertRecord({ agency: 'sms', service: 'sms', caseId: input.caseId, idempotencyKey: key, subject: null, state: {}, data });
        const result = { messageId: numbered('SMS', id, 10) };
        ctx.store.updateState(id, result);
        return { status: 202, body: result };
      },
    }),
  );
  return router;
}
