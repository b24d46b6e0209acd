// The shapes of the parents' signed-in routes (issue 18): the OpenAPI document's (web/src/api/types.ts).
export type {
  ParentCaseList, ParentSessionView, RegistrationBody, RegistrationList, RegistrationView, SignInCodeSent as CodeSent,
} from '../api/types';
