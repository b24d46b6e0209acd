// The shapes of the parents' signed-in routes (issue 18), from the OpenAPI document the API serves.
import type { ParentView, RegistrationView } from '../api/types';

export type { RegistrationBody, RegistrationView } from '../api/types';

export interface ParentSessionView {
  signedIn: boolean;
  phoneMasked?: string | null;
  realName?: { nameMasked: string; idNumberMasked: string } | null;
  expiresAt?: string | null;
}
export interface CodeSent { sentTo: string; expiresInSeconds: number; resendAfterSeconds: number }

export interface RegistrationList { items: RegistrationView[] }
export interface ParentCaseList { items: ParentView[] }
