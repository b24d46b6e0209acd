// A parent signing in on the real stack as a phone would (issue 18): ask for a code, read it where the
// phone would — the SMS gateway's outbox (the mock's admin route) — and sign in with it.
import { SIGN_IN_SMS_REF } from '../../api/parent-gateways';
import type { Stack } from './stack';

export interface SentSms { messageId: string; caseId: string; phone: string; template: string; params: Record<string, string>; sentAt: string }

/** The sign-in codes the SMS gateway sent to this phone, oldest first. */
export async function signInMessages(stack: Pick<Stack, 'agenciesUrl' | 'agenciesAdmin'>, phone: string): Promise<SentSms[]> {
  const res = await fetch(`${stack.agenciesUrl}/admin/sms/outbox?caseId=${SIGN_IN_SMS_REF}`, { headers: stack.agenciesAdmin });
  if (res.status !== 200) throw new Error(`SMS outbox: ${res.status}`);
  const { messages } = (await res.json()) as { messages: SentSms[] };
  return messages.filter((m) => m.phone === phone && m.template === 'sign_in_code');
}

/** The last code sent to this phone. */
export async function lastCode(stack: Pick<Stack, 'agenciesUrl' | 'agenciesAdmin'>, phone: string): Promise<string> {
  const code = (await signInMessages(stack, phone)).at(-1)?.params.code;
  if (!code) throw new Error('no sign-in code was sent to this phone');
  return code;
}

/** `bot_parent=<id>` from a sign-in's Set-Cookie, or null. */
export function parentCookieOf(headers: Headers): string | null {
  const set = headers.getSetCookie().find((c) => c.startsWith('bot_parent='));
  return set ? set.split(';')[0]! : null;
}

/** Asks a code for `phone`, reads it from the outbox, signs in: the `bot_parent` cookie and the session view. */
export async function signInParent(stack: Stack, phone: string, headers: Record<string, string> = {}): Promise<{ cookie: string; session: any }> {
  const sent = await stack.call('POST', '/api/parent/sign-in/code', { body: { phone }, headers });
  if (sent.status !== 202) throw new Error(`sign-in code: ${sent.status} ${JSON.stringify(sent.body)}`);
  const signedIn = await stack.call('POST', '/api/parent/sign-in', { body: { phone, code: await lastCode(stack, phone) }, headers });
  const cookie = parentCookieOf(signedIn.headers);
  if (signedIn.status !== 200 || !cookie) throw new Error(`sign-in: ${signedIn.status} ${JSON.stringify(signedIn.body)}`);
  return { cookie, session: signedIn.body };
}
