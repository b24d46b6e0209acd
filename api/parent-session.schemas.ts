// Bodies and answers of the parents' sign-in (issue 18): request bodies are strict (an unknown field is a
// 400), answers carry only masked values. The same schemas validate requests and write the OpenAPI document.
import { z } from 'zod';
import { TrackInputRequest } from '../domain/case.schemas';
import { parseCitizenId } from '../domain/identity/citizen-id';
import { checkMobile, checkPersonName } from '../domain/identity/contact';

type Ctx = z.core.$RefinementCtx<unknown>;
const addIssue = (ctx: Ctx, code: string, message: string): void => {
  ctx.addIssue({ code: 'custom', message, params: { code } });
};

/** A mainland mobile number, 11 digits (surrounding spaces trimmed). */
export const ParentPhone = z.string().max(20).trim().check(z.superRefine((value: string, ctx) => {
  const r = checkMobile(value);
  if (!r.ok) for (const p of r.problems) addIssue(ctx, p.code, p.message);
})).meta({ pattern: '^1[3-9]\\d{9}$', description: '11位手机号码', example: '13800138000' });

/** The 6 digits of the SMS; nothing else. */
export const SignInCode = z.string().regex(/^\d{6}$/, '验证码应为6位数字').meta({ example: '123456' });

const PersonName = z.string().max(40).normalize('NFC').trim().check(z.superRefine((value: string, ctx) => {
  const r = checkPersonName(value);
  if (!r.ok) for (const p of r.problems) addIssue(ctx, p.code, p.message);
})).meta({ description: '身份证上的姓名', example: '王芳' });

const IdNumber = z.string().max(30).trim().toUpperCase().check(z.superRefine((value: string, ctx) => {
  const r = parseCitizenId(value);
  if (!r.ok) for (const p of r.problems) addIssue(ctx, p.code, p.message);
})).meta({ description: '18位公民身份号码', example: '370102199003150026' });

export const SignInCodeRequest = z.strictObject({ phone: ParentPhone });
export type SignInCodeRequest = z.infer<typeof SignInCodeRequest>;

export const SignInRequest = z.strictObject({ phone: ParentPhone, code: SignInCode });
export type SignInRequest = z.infer<typeof SignInRequest>;

export const RealNameRequest = z.strictObject({ name: PersonName, idNumber: IdNumber });
export type RealNameRequest = z.infer<typeof RealNameRequest>;

export const SignInCodeSent = z.object({
  /** the number the code went to, masked (`138****8000`) */
  sentTo: z.string(),
  expiresInSeconds: z.number().int(),
  resendAfterSeconds: z.number().int(),
});
export type SignInCodeSent = z.infer<typeof SignInCodeSent>;

export const ParentRealName = z.object({ nameMasked: z.string(), idNumberMasked: z.string() });

export const ParentSessionView = z.object({
  signedIn: z.boolean(),
  phoneMasked: z.string().nullable(),
  /** null until the real-name check passed */
  realName: ParentRealName.nullable(),
  expiresAt: z.string().nullable(),
});
export type ParentSessionView = z.infer<typeof ParentSessionView>;

/** A newborn's name supplied by a signed-in parent: the same check as `/api/track/input`. */
export const ParentCaseInputRequest = z.strictObject({ input: TrackInputRequest.shape.input });
export type ParentCaseInputRequest = z.infer<typeof ParentCaseInputRequest>;
