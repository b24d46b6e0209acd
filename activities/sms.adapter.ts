// SMS gateway. Failures: AgencyCorrectionRequired (phone not an 11-digit mobile number) · AgencyRefused
// (recipient opted out) · AgencyProtocolError (unknown template) · AgencyUnavailableError (retried).
import { z } from 'zod';
import { agencyClient, type AgencyClientConfig } from './agency-http';
import type { SmsRequest } from './agency.types';
import { trackingCodeFor } from '../infra/tracking-code';

export interface SmsAdapter {
  sendSms(req: SmsRequest): Promise<{ messageId: string }>;
}

const SmsResultSchema = z.object({ messageId: z.string().min(1) });

/**
 * `trackingKey` (CASE_ID_SECRET) turns a `trackingNonce` parameter into the parents' `trackingCode` here, at
 * the last moment, so the code goes to the gateway but never into the workflow's history.
 */
export function createSmsAdapter(config: AgencyClientConfig & { trackingKey?: string }): SmsAdapter {
  const client = agencyClient('sms', config);
  const withCode = (req: SmsRequest): SmsRequest => {
    const { trackingNonce, ...params } = req.params;
    if (trackingNonce === undefined) return req;
    if (!config.trackingKey) throw new Error('the SMS adapter needs the tracking key to send a tracking code');
    return { ...req, params: { ...params, trackingCode: trackingCodeFor(req.caseId, trackingNonce, config.trackingKey).trackingCode } };
  };
  return {
    sendSms: (req) =>
      client.call({ operation: 'sendSms', method: 'POST', path: 'sms/messages', idempotencyKey: req.idempotencyKey, body: withCode(req) }, SmsResultSchema),
  };
}
