// The shapes the pages read and send, all taken from the OpenAPI document the API serves
// (generated into ./generated/schema.d.ts at build time): no second hand-typed copy.
import type { paths } from './generated/schema';

type JsonOf<R> = R extends { content: { 'application/json': infer B } } ? B : never;
type Ok<Op> = Op extends { responses: infer R } ? JsonOf<R[keyof R & (200 | 201 | 202)]> : never;
type Body<Op> = Op extends { requestBody?: infer B } ? JsonOf<NonNullable<B>> : never;

export type CaseView = Ok<paths['/api/cases/{caseId}']['get']>;
export type CaseCreated = Ok<paths['/api/cases']['post']>;
export type CaseCreateBody = Body<paths['/api/cases']['post']>;
export type CaseSummaryPage = Ok<paths['/api/cases']['get']>;
export type CaseSummary = CaseSummaryPage['cases'][number];
export type AuditEntries = Ok<paths['/api/cases/{caseId}/audit']['get']>;
export type AuditEntry = AuditEntries['entries'][number];
export type CorrectionBody = Body<paths['/api/cases/{caseId}/corrections']['post']>;
export type CancelBody = Body<paths['/api/cases/{caseId}/cancel']['post']>;
export type ReviewTaskList = Ok<paths['/api/reviews']['get']>;
export type ReviewTask = ReviewTaskList['reviews'][number];
export type ReviewCaseView = Ok<paths['/api/reviews/{caseId}/{service}']['get']>;
export type ReviewDecisionBody = Body<paths['/api/reviews/{caseId}/{service}']['post']>;
export type ParentView = Ok<paths['/api/track']['post']>;
export type TrackBody = Body<paths['/api/track']['post']>;
export type TrackInputBody = Body<paths['/api/track/input']['post']>;
export type ParentAccesses = Ok<paths['/api/track/accesses']['post']>;
export type AccessPage = Ok<paths['/api/ops/accesses']['get']>;
export type AccessRecord = AccessPage['items'][number];
export type AccessVerify = Ok<paths['/api/ops/accesses/verify']['get']>;
export type SessionView = Ok<paths['/api/session']['get']>;
export type DevSignInBody = Body<paths['/api/session/dev']['post']>;
export type ParentSessionView = Ok<paths['/api/parent/session']['get']>;
export type SignInCodeSent = Ok<paths['/api/parent/sign-in/code']['post']>;
export type SignInCodeBody = Body<paths['/api/parent/sign-in/code']['post']>;
export type SignInBody = Body<paths['/api/parent/sign-in']['post']>;
export type RealNameBody = Body<paths['/api/parent/real-name']['post']>;
export type ParentCaseList = Ok<paths['/api/parent/cases']['get']>;
export type ParentCaseInputBody = Body<paths['/api/parent/cases/{caseId}/input']['post']>;
export type ErrorBody = JsonOf<paths['/api/cases']['post']['responses'][400]>;
export type ValidationIssue = NonNullable<ErrorBody['error']['issues']>[number];
export type OpsDashboard = Ok<paths['/api/ops/dashboard']['get']>;
export type ResolveBody = Body<paths['/api/cases/{caseId}/services/{service}/resolve']['post']>;
export type ServiceView = CaseView['services'][keyof CaseView['services']];
export type Benefits = NonNullable<CaseView['benefits']>;
export type ActionRequired = CaseView['actionsRequired'][number];
export type CaseDelivery = Ok<paths['/api/cases/{caseId}/delivery']['get']>;

// ---- 生育登记 (issue 18) -------------------------------------------------------------------------
export type RegistrationView = Ok<paths['/api/parent/registrations/{registrationId}']['get']>;
export type RegistrationBody = Body<paths['/api/parent/registrations']['post']>;
export type RegistrationList = Ok<paths['/api/parent/registrations']['get']>;
export type WithdrawalBody = Body<paths['/api/parent/registrations/{registrationId}/withdrawal']['post']>;
export type RegistrationLookup = Ok<paths['/api/registrations/lookup']['post']>;
export type RegistrationLookupBody = Body<paths['/api/registrations/lookup']['post']>;
