// The shapes of the parents' signed-in routes (issue 18), from the OpenAPI document the API serves.
import type { ParentView } from '../api/types';

export interface ParentSessionView {
  signedIn: boolean;
  phoneMasked?: string | null;
  realName?: { nameMasked: string; idNumberMasked: string } | null;
  expiresAt?: string | null;
}
export interface CodeSent { sentTo: string; expiresInSeconds: number; resendAfterSeconds: number }

export interface RegistrationParentBody { name: string; idNumber: string; phone: string; hukouRegionCode: string }
export interface RegistrationBody {
  mother: RegistrationParentBody;
  father: RegistrationParentBody | null;
  marriage: { married: true; marriedOn: string } | { married: false };
  childrenBefore: number;
  expectedMonth: string;
  hospitalId: string;
  householdOf: 'mother' | 'father';
}
export interface RegistrationView {
  registrationId: string;
  registrationNumber: string;
  status: string;
  request: RegistrationBody;
  childrenOnRecord: number;
  registeredAt: string;
  expiresAt: string;
  linkedCases: Array<{ caseId: string; at: string }>;
}
export interface RegistrationList { items: RegistrationView[] }
export interface ParentCaseList { items: ParentView[] }
