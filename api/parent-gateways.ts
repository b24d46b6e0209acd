// The two agencies the parents' sign-in calls while the parent waits, over HTTP with a deadline each
// (activities/agency-http.ts, as the workflow's activities call them): the SMS gateway sends the code
// (template `sign_in_code`), the public-security bureau checks a name against an ID number
// (`POST /public-security/identity-checks`). Neither the code nor the name or ID number is logged: the
// agency client's errors name the agency, the operation and the status only.
import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { z } from 'zod';
import { agencyClient, AgencyUnavailableError } from '../activities/agency-http';
import { AgencyFailureType, AGENCY_PATHS } from '../activities/agency.types';
import type { Config } from '../infra/config';
import { ApiError } from './errors';

/** A parent waits for these: well under the agencies' general deadline. */
export const PARENT_GATEWAY_TIMEOUT_MS = 5_000;
/** What the SMS gateway's records of sign-in codes are filed under (its outbox is filtered by it). */
export const SIGN_IN_SMS_REF = 'parent-sign-in';

export type IdentityVerdict = { match: true } | { match: false; reason: string };

export interface ParentGateways {
  sendSignInCode(phone: string, code: string, minutes: number): Promise<void>;
  checkIdentity(name: string, idNumber: string): Promise<IdentityVerdict>;
}

const SmsAnswer = z.object({ messageId: z.string().min(1) });
const IdentityAnswer = z.union([
  z.object({ match: z.literal(true) }),
  z.object({ match: z.literal(false), reason: z.string() }),
]);

const failureType = (err: unknown): string | undefined => (err instanceof ApplicationFailure ? err.type ?? undefined : undefined);

export function createParentGateways(config: Pick<Config, 'mockAgenciesUrl' | 'AGENCY_API_TOKEN' | 'AGENCY_TIMEOUT_MS'>): ParentGateways {
  const clientConfig = { baseUrl: config.mockAgenciesUrl, token: config.AGENCY_API_TOKEN, timeoutMs: Math.min(config.AGENCY_TIMEOUT_MS, PARENT_GATEWAY_TIMEOUT_MS) };
  const sms = agencyClient('sms', clientConfig);
  const publicSecurity = agencyClient('publicSecurity', clientConfig);
  return {
    async sendSignInCode(phone, code, minutes) {
      const idempotencyKey = `sign-in:${randomUUID()}`;
      const body = { idempotencyKey, caseId: SIGN_IN_SMS_REF, phone, template: 'sign_in_code', params: { code, minutes: String(minutes) } };
      await sms.call({ operation: 'sendSignInCode', method: 'POST', path: `${AGENCY_PATHS.sms}/messages`, idempotencyKey, body }, SmsAnswer).catch((err: unknown) => {
        const type = failureType(err);
        if (type === AgencyFailureType.Refused || type === AgencyFailureType.CorrectionRequired) {
          throw new ApiError('VALIDATION_FAILED', '该号码无法接收短信验证码', { issues: [{ path: 'phone', code: 'PHONE_SMS_REFUSED', message: '该号码无法接收政务短信（已退订或不是手机号码），请换一个号码' }] });
        }
        throw new ApiError('UNAVAILABLE', '短信暂时无法发送，请稍后再试');
      });
    },
    async checkIdentity(name, idNumber) {
      return publicSecurity.call({ operation: 'checkIdentity', method: 'POST', path: `${AGENCY_PATHS.publicSecurity}/identity-checks`, body: { name, idNumber } }, IdentityAnswer).catch((err: unknown) => {
        if (err instanceof AgencyUnavailableError || failureType(err)) throw new ApiError('UNAVAILABLE', '实名核验暂时无法进行，请稍后再试');
        throw err;
      });
    },
  };
}
