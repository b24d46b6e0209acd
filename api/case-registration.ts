// A new case and the parents' online 生育登记 (issue 18): the body's `registrationId` split from the
// application, the registration found open and the mother's, and the birth order derived from it. A
// clerk's birth order that differs is a question for the clerk (409 CONFLICT, in plain words), never a
// silent choice. Pure but for the lookup it is given.
import type { z } from 'zod';
import type { CaseCreateRequest } from '../domain/case.schemas';
import { toValidationIssues, type ValidationIssue } from '../domain/case.schemas';
import { registrationStatusLabel } from '../domain/family-registration';
import type { LinkedRegistration } from '../workflows/birth-case.contract';
import type { RegistrationState } from '../workflows/family-registration.contract';
import { personKey, registrationIdFor } from './case-identity';
import { CaseCreateExtras } from './cases.schemas';
import { ApiError } from './errors';

/** Where the route reads a registration (api/registration-repository.ts); null when there is none. */
export interface RegistrationLookup {
  get(registrationId: string): Promise<RegistrationState | null>;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * The application's body and the extras beside it, each checked by its own schema; every problem of both
 * in one 400, and nothing started.
 */
export function splitCaseCreateBody<S extends z.ZodType>(schema: S, body: unknown): { application: z.infer<S>; extras: CaseCreateExtras } {
  const { registrationId, ...rest } = isPlainObject(body) ? body : { registrationId: undefined };
  const application = schema.safeParse(isPlainObject(body) ? rest : (body ?? {}), { reportInput: true });
  const extras = CaseCreateExtras.safeParse(registrationId === undefined ? {} : { registrationId }, { reportInput: true });
  const issues: ValidationIssue[] = [
    ...(application.success ? [] : toValidationIssues(application.error)),
    ...(extras.success ? [] : toValidationIssues(extras.error)),
  ];
  if (!application.success || !extras.success) {
    throw new ApiError('VALIDATION_FAILED', '提交的信息有误，请按提示逐项修改', { issues });
  }
  return { application: application.data, extras: extras.data };
}

/** The birth order a registration gives this child: the children on record, plus its place in this delivery. */
export const birthOrderFrom = (childrenOnRecord: number, newborn: CaseCreateRequest['newborn']): number =>
  childrenOnRecord + (newborn.multipleBirth?.position ?? 1);

const notTheMothers = (): ApiError => new ApiError('VALIDATION_FAILED', '未找到该母亲的生育登记', {
  issues: [{ path: 'registrationId', code: 'REGISTRATION_NOT_FOUND', message: '未找到该母亲的网上生育登记，请核对母亲身份证号码，或不关联登记直接申报' }],
});

/**
 * The registration the case links: found, the mother's (by her ID number's keyed hash), still open, and
 * agreeing with the clerk's birth order. Throws the answer otherwise.
 */
export async function linkRegistration(lookup: RegistrationLookup, registrationId: string, application: CaseCreateRequest, secret: string): Promise<LinkedRegistration> {
  if (registrationIdFor(application.mother.idNumber, secret) !== registrationId) throw notTheMothers();
  const state = await lookup.get(registrationId);
  if (!state || personKey('idNumber', state.request.mother.idNumber, secret) !== personKey('idNumber', application.mother.idNumber, secret)) throw notTheMothers();
  // A twin's case finds the registration its sibling's case already closed as born: the same delivery.
  const sibling = state.status === 'born' && application.newborn.multipleBirth !== undefined && state.linkedCases.length > 0;
  if (state.status !== 'registered' && !sibling) {
    throw new ApiError('CONFLICT', `该生育登记${registrationStatusLabel(state.status)}，不能关联；请不关联登记直接申报，本办件将为家庭办理生育登记`);
  }
  const expected = birthOrderFrom(state.childrenOnRecord, application.newborn);
  if (expected !== application.newborn.birthOrder) {
    const position = application.newborn.multipleBirth ? `（多胞胎中第${application.newborn.multipleBirth.position}个出生）` : '';
    const message = `生育登记记录显示此前已生育${state.childrenOnRecord}孩，本孩子${position}应为第${expected}孩；您填写的是第${application.newborn.birthOrder}孩，请核对`;
    throw new ApiError('CONFLICT', message, { issues: [{ path: 'newborn.birthOrder', code: 'BIRTH_ORDER_MISMATCH', message }] });
  }
  return { registrationId, registrationNumber: state.registrationNumber, childrenOnRecord: state.childrenOnRecord };
}
