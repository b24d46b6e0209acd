// Checks several agencies make before accepting an application. Each returns correction items (never
// echoing the value: no PII in answers' messages) or a refusal reason.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { CorrectionItem } from '../activities/agency.types';
import { isStandardName, parseCitizenId, UNKNOWN_TO_REGISTER_SEQUENCE } from './identity.rules';

export const isoInstant = z.iso.datetime({ offset: true });
export const isoDate = z.iso.date();

export const PersonRef = z.object({
  name: z.string().max(50),
  idNumber: z.string().max(30),
  hukouRegionCode: z.string().regex(/^\d{6}$/),
});
export type PersonRef = z.infer<typeof PersonRef>;

export function nameItems(path: string, name: string | null | undefined): CorrectionItem[] {
  if (!name) return [{ path, message: 'name is required' }];
  if (!isStandardName(name)) return [{ path, message: 'name contains characters outside the standard character set' }];
  return [];
}

/** A citizen ID that must be well formed; with `mustBeRegistered`, also known to the household register. */
export function citizenIdItems(path: string, id: string, mustBeRegistered: boolean): CorrectionItem[] {
  const parts = parseCitizenId(id);
  if (!parts) return [{ path, message: 'not a valid citizen ID number (length, birth date or check character)' }];
  if (mustBeRegistered && parts.sequence === UNKNOWN_TO_REGISTER_SEQUENCE) {
    return [{ path, message: 'ID number unknown to the household register' }];
  }
  return [];
}

export function personItems(prefix: string, person: PersonRef): CorrectionItem[] {
  return [...nameItems(`${prefix}.name`, person.name), ...citizenIdItems(`${prefix}.idNumber`, person.idNumber, true)];
}

/** Hospitals whose id ends in 999 are not registered midwifery institutions (deterministic refusal trigger). */
export function hospitalRefusal(hospitalId: string): string | null {
  return hospitalId.endsWith('999') ? 'the hospital is not a registered midwifery institution' : null;
}

/** A stable, non-reversible key for "the same child/person" without storing the PII itself. */
export function subjectKey(...parts: Array<string | number>): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex');
}

export function numbered(prefix: string, n: number, width: number): string {
  return prefix + String(n).padStart(width, '0');
}
