// SMS gateway. Failures: AgencyCorrectionRequired (phone not an 11-digit mobile number) · AgencyRefused
// (recipient opted out) · AgencyProtocolError (unknown template) · AgencyUnavailableError (retried).
import { z } from 'zod';
import { agencyClient, type AgencyClientConfig } from './agency-http';
import type { SmsRequest } from './agency.types';

export interface SmsAdapter {
  sendSms(req: SmsRequest): Promise<{ messageId: string }>;
}

const SmsResultSchema = z.object({ messageId: z.string().min(1) });

export function createSmsAdapter(config: AgencyClientConfig): SmsAdapter {
  const client = agencyClient('sms', config);
  return {
    sendSms: (req) =>
      client.call({ operation: 'sendSms', method: 'POST', path: 'sms/messages', idempotencyKey: req.idempotencyKey, body: req }, SmsResultSchema),
  };
}
