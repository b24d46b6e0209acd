// Request shapes of the clerk's case routes that are not a case's own payload (those live in
// domain/case.schemas.ts): parsed by the route and documented by the OpenAPI document, from one schema.
import { z } from 'zod';
import { CASE_STATUS_KEYS, RETIRED_CASE_STATUS_FILTERS, WaitingOnSchema } from '../domain/catalog';

/** A page token the API handed out: the read model's cursor, sealed with an HMAC over the query (api/page-token.ts). */
const PAGE_TOKEN = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/;

/** A status the list may be filtered by: every case status, and the retired values, which match nothing. */
export const CaseStatusFilter = z.enum([...CASE_STATUS_KEYS, ...RETIRED_CASE_STATUS_FILTERS]);

/** `GET /api/cases`: the filters, Shanghai birth days (both included), and the page. */
export const CaseListQuery = z.strictObject({
  status: CaseStatusFilter.optional(),
  bornFrom: z.iso.date().optional(),
  bornTo: z.iso.date().optional(),
  waitingOn: WaitingOnSchema.optional(),
  overdue: z.enum(['true', 'false']).optional(),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
  pageToken: z.string().max(2000).regex(PAGE_TOKEN).optional().meta({ description: 'opaque: the nextPageToken of the previous page of the same query' }),
});
export type CaseListQuery = z.infer<typeof CaseListQuery>;

/** A family registration's id (api/case-identity.ts registrationIdFor): 16 characters, Crockford base32. */
export const RegistrationIdField = z.string().regex(/^[0-9A-HJKMNP-TV-Z]{16}$/).meta({
  description: '家长网上生育登记的编号（由母亲身份证号码经密钥散列得出，16位）；办件由此登记开始，孩次按登记记录推算',
  example: '7ZQ0K8M2XW4T9B1C',
});

/**
 * `POST /api/cases` beside the application (issue 18): the parents' online registration the case starts
 * from. Kept out of the application itself (which the case stores and corrections re-check).
 */
export const CaseCreateExtras = z.strictObject({ registrationId: RegistrationIdField.optional() });
export type CaseCreateExtras = z.infer<typeof CaseCreateExtras>;
