// Compensation at every agency that issues something (not the SMS gateway): withdraw an application by
// the idempotency key of its submission, or report that a case whose document was issued has been
// cancelled. Both are idempotent at the agency (the same key gets the same answer).
// Failures: AgencyProtocolError (400, 404, a malformed answer) · AgencyUnavailableError (retried).
import { z } from 'zod';
import { agencyClient, type AgencyClientConfig } from './agency-http';
import { AGENCY_PATHS, type CancellationNoticeAnswer, type CompensationRequest, type WithdrawalAnswer } from './agency.types';

export interface CompensationAdapter {
  withdrawApplication(req: CompensationRequest): Promise<WithdrawalAnswer>;
  notifyCaseCancelled(req: CompensationRequest): Promise<CancellationNoticeAnswer>;
}

const WithdrawalAnswerSchema: z.ZodType<WithdrawalAnswer> = z.object({
  outcome: z.enum(['withdrawn', 'already_done', 'not_received']),
  document: z.string().nullable(),
  message: z.string().max(500),
});
const NoticeAnswerSchema: z.ZodType<CancellationNoticeAnswer> = z.object({
  acknowledged: z.literal(true),
  reference: z.string().min(1).max(100),
  document: z.string().nullable(),
});

export function createCompensationAdapter(config: AgencyClientConfig): CompensationAdapter {
  const body = (req: CompensationRequest) => ({ idempotencyKey: req.idempotencyKey, caseId: req.caseId, reason: req.reason });
  return {
    withdrawApplication: (req) =>
      agencyClient(req.agency, config).call(
        { operation: 'withdrawApplication', method: 'POST', path: `${AGENCY_PATHS[req.agency]}/withdrawals`, body: body(req) },
        WithdrawalAnswerSchema,
      ),
    notifyCaseCancelled: (req) =>
      agencyClient(req.agency, config).call(
        { operation: 'notifyCaseCancelled', method: 'POST', path: `${AGENCY_PATHS[req.agency]}/case-cancellations`, body: body(req) },
        NoticeAnswerSchema,
      ),
  };
}
