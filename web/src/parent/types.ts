// The shapes of the parents' signed-in routes (issue 18): the OpenAPI document's (web/src/api/types.ts).
import type { RegistrationView } from '../api/types';

export type { ParentCaseList, ParentSessionView, RegistrationBody, RegistrationView, SignInCodeSent as CodeSent } from '../api/types';

export interface RegistrationList { items: RegistrationView[] }
