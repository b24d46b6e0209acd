// The family registration's routes (生育登记, issue 18) in the OpenAPI document (api/openapi.ts calls this
// with its register and its one error body).
import type { RouteConfig } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { FamilyRegistrationRequest } from '../domain/family-registration';
import { RegistrationId, RegistrationList, RegistrationLookupRequest, RegistrationLookupView, RegistrationView, WithdrawalRequest } from './registration-views';

export function registrationRoutesDoc(register: (route: RouteConfig) => void, ErrorBody: z.ZodType): void {
  const json = (schema: z.ZodType) => ({ content: { 'application/json': { schema } } });
  const body = (schema: z.ZodType) => ({ required: true, ...json(schema) });
  const err = (description: string) => ({ description, ...json(ErrorBody) });
  const ok = (description: string, schema: z.ZodType) => ({ description, ...json(schema) });
  const common = {
    400: err('VALIDATION_FAILED: a bad request (every problem by path in `issues`)'), 500: err('INTERNAL: never expected; no internals in the message'),
  };
  const withBody = { 413: err('PAYLOAD_TOO_LARGE: body over 32 KB'), 415: err('UNSUPPORTED_MEDIA_TYPE: a charset other than UTF-8, or an unknown Content-Encoding') };
  const parent = [{ parentCookie: [] }];
  const signedIn = { 401: err('UNAUTHENTICATED: no parent signed in') };
  const acting = { 403: err('FORBIDDEN: not real-name verified (请先完成实名认证), not the mother or the father named, the phone named for you is not the one signed in with, or a cookie request that is not JSON') };
  const down = { 503: err('UNAVAILABLE: Temporal or the health commission did not answer in time (a registration under way is read later), or the parent links\' database is down') };
  const notFound = { 404: err('NOT_FOUND: no such registration, or not this parent\'s (the same answer)') };
  const params = { params: z.object({ registrationId: RegistrationId }) };
  const conflicts = '`issues` = the health commission\'s conflicts, each `{path, code, message}` with code CHILDREN_MISMATCH (the children declared differ from its record), REGISTRATION_OPEN (an open registration elsewhere) or PERSON_UNKNOWN';

  register({
    method: 'post', path: '/api/parent/registrations', security: parent,
    summary: 'Register the family (生育登记): the health commission\'s verdict at once. The signed-in parent must be real-name verified and be the mother or the father named, with the phone signed in with',
    request: { body: body(FamilyRegistrationRequest) },
    responses: {
      201: { ...ok('registered', RegistrationView), headers: { Location: { schema: { type: 'string' }, description: '/api/parent/registrations/{registrationId}' } } },
      ...common, ...withBody, ...signedIn, ...acting, ...down,
      409: err(`CONFLICT: the commission did not register (${conflicts}); or the mother has an open registration here already (no \`issues\`)`),
    },
  });
  register({
    method: 'get', path: '/api/parent/registrations', security: parent,
    summary: 'The signed-in parent\'s registrations (linked to the session\'s phone or real-name ID, which the registration names as the mother\'s or the father\'s), newest first',
    responses: { 200: ok('registrations', RegistrationList), ...common, ...signedIn, ...down },
  });
  register({
    method: 'get', path: '/api/parent/registrations/{registrationId}', security: parent, summary: 'One registration of the signed-in parent\'s (the page and the e-certificate read it)',
    request: params, responses: { 200: ok('RegistrationView', RegistrationView), ...common, ...signedIn, ...notFound, ...down },
  });
  register({
    method: 'put', path: '/api/parent/registrations/{registrationId}', security: parent,
    summary: 'Amend an open registration (the request in full; the mother\'s ID number cannot change); the audit names the fields changed',
    request: { ...params, body: body(FamilyRegistrationRequest) },
    responses: {
      200: ok('amended', RegistrationView), ...common, ...withBody, ...signedIn, ...acting, ...notFound, ...down,
      409: err(`CONFLICT: the registration is closed, or the commission refused the change (${conflicts})`),
    },
  });
  register({
    method: 'post', path: '/api/parent/registrations/{registrationId}/withdrawal', security: parent, summary: 'Withdraw an open registration (the commission is told); the mother may register again afterwards',
    request: { ...params, body: body(WithdrawalRequest) },
    responses: { 200: ok('withdrawn', RegistrationView), ...common, ...withBody, ...signedIn, ...acting, ...notFound, ...down, 409: err('CONFLICT: the registration is closed already') },
  });
  register({
    method: 'post', path: '/api/registrations/lookup', security: [{ staffJwt: [] }],
    summary: 'A clerk (or a service hall\'s clerk, issue 19) finds a mother\'s open registration by her ID number, to fill a new case from it (the read is recorded in the access log, view `registration`)',
    request: { body: body(RegistrationLookupRequest) },
    responses: {
      200: ok('the open registration, in full', RegistrationLookupView), ...common, ...withBody,
      401: err('UNAUTHENTICATED: no token, or a bad, expired or foreign one'), 403: err('FORBIDDEN: not a clerk'),
      404: err('NOT_FOUND: the mother has no open registration'), 503: err('UNAVAILABLE: Temporal did not answer in time, or the access record could not be stored'),
    },
  });
}
