// 市人社局 human resources & social security: the social-security card. The application answers
// `in_production` at once; the card is made and posted days later (a `card.posted` callback), and
// getSocialSecurityCardStatus then answers `posted` with the card and EMS tracking numbers.
// Failures: AgencyCorrectionRequired (child's name, ID malformed, enrolment number unknown or another
// person's, EMS without an address) · AgencyRefused (child not in a Jinan household; a card already
// applied for) · AgencyProtocolError (status: no application with that key) · AgencyUnavailableError (retried).
import { z } from 'zod';
import { agencyClient, keyPath, type AgencyClientConfig } from './agency-http';
import type { SocialSecurityCardRequest, SocialSecurityCardStatus } from './agency.types';

export interface HumanResourcesAdapter {
  applySocialSecurityCard(req: SocialSecurityCardRequest): Promise<SocialSecurityCardStatus>;
  getSocialSecurityCardStatus(req: { idempotencyKey: string }): Promise<SocialSecurityCardStatus>;
}

const SocialSecurityCardStatusSchema: z.ZodType<SocialSecurityCardStatus> = z.discriminatedUnion('state', [
  z.object({ state: z.literal('in_production'), applicationNumber: z.string().min(1) }),
  z.object({
    state: z.literal('posted'),
    applicationNumber: z.string().min(1),
    cardNumber: z.string().min(1),
    trackingNumber: z.string().min(1),
  }),
  z.object({ state: z.literal('stopped'), applicationNumber: z.string().min(1) }),
]);

export function createHumanResourcesAdapter(config: AgencyClientConfig): HumanResourcesAdapter {
  const client = agencyClient('humanResources', config);
  return {
    applySocialSecurityCard: (req) =>
      client.call(
        { operation: 'applySocialSecurityCard', method: 'POST', path: 'human-resources/social-security-cards', idempotencyKey: req.idempotencyKey, body: req },
        SocialSecurityCardStatusSchema,
      ),
    getSocialSecurityCardStatus: ({ idempotencyKey }) =>
      client.call(
        { operation: 'getSocialSecurityCardStatus', method: 'GET', path: keyPath('human-resources/social-security-cards', idempotencyKey), idempotencyKey },
        SocialSecurityCardStatusSchema,
      ),
  };
}
