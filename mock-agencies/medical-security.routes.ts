// 市医保局: resident basic medical-insurance enrolment; answers the yearly premium (only a figure it has:
// null with `premiumNotPublished` for a year not yet published) and whether the clause-15 waiver applies.
import { Router } from 'express';
import { z } from 'zod';
import type { CorrectionItem } from '../activities/agency.types';
import { citizenIdItems, isoDate, isoInstant, nameItems, numbered, subjectKey } from './agency-checks';
import type { MockContext } from './context';
import { correctionRequired, idempotentCommand, refused } from './idempotency';
import { isJinanRegion, parseCitizenId, shanghaiDate } from './identity.rules';
import { agencyPremiumFor, premiumWaived } from './medical-security.rules';

export const EnrolmentBody = z.object({
  idempotencyKey: z.string().optional(),
  caseId: z.string().min(1).max(100),
  childCitizenId: z.string().max(30),
  childName: z.string().max(50),
  birthAt: isoInstant,
  birthOrder: z.number().int().min(1).max(20),
  enrolledOn: isoDate,
});

export const ENROLMENT_PREFIX = 'MI3701';

/** What the card office checks an enrolment number against. */
export interface EnrolmentData { childSubject: string }

export function medicalSecurityRoutes(ctx: MockContext): Router {
  const router = Router();
  router.post(
    '/enrolments',
    ctx.faults.gate('medicalSecurity'),
    idempotentCommand(ctx.store, {
      agency: 'medicalSecurity',
      operation: 'enrolMedicalInsurance',
      schema: EnrolmentBody,
      execute(input, key) {
        const birthDate = shanghaiDate(input.birthAt);
        const child = parseCitizenId(input.childCitizenId);
        const premium = agencyPremiumFor(ctx.premiumTable, Number(input.enrolledOn.slice(0, 4)));
        const unknownYear = premium.kind === 'unknownYear';
        const items: CorrectionItem[] = [
          ...nameItems('childName', input.childName),
          ...citizenIdItems('childCitizenId', input.childCitizenId, false),
          ...(child && child.birthDate !== birthDate
            ? [{ path: 'childCitizenId', message: 'the birth date in the ID number does not match birthAt' }]
            : []),
          ...(input.enrolledOn < birthDate ? [{ path: 'enrolledOn', message: 'enrolment date is before the birth date' }] : []),
          ...(unknownYear ? [{ path: 'enrolledOn', message: 'no resident premium is set for that year' }] : []),
        ];
        if (items.length > 0 || !child || unknownYear) return correctionRequired(items);
        if (!isJinanRegion(child.regionCode)) {
          return refused('the child is not in a Jinan household: resident insurance is joined where the household is');
        }
        const childSubject = subjectKey(input.childCitizenId);
        if (ctx.store.recordBySubject('medicalSecurity', childSubject)) {
          return refused('the child is already enrolled in resident medical insurance');
        }
        const id = ctx.store.insertRecord({
          agency: 'medicalSecurity', service: 'medicalInsurance', caseId: input.caseId, idempotencyKey: key,
          subject: childSubject, state: {}, data: { childSubject } satisfies EnrolmentData,
        });
        const result = {
          enrolmentNumber: numbered(ENROLMENT_PREFIX, id, 8),
          enrolledOn: input.enrolledOn,
          // Only a figure the agency has: a year not yet published answers null with the reason.
          premium: premium.kind === 'published' ? premium.yuan : null,
          ...(premium.kind === 'notYetPublished' ? { premiumNotPublished: { year: premium.year, message: premium.message } } : {}),
          waived: premiumWaived({ birthOrder: input.birthOrder, birthDate, enrolledOn: input.enrolledOn }),
        };
        ctx.store.updateState(id, result);
        return { status: 201, body: result };
      },
    }),
  );
  return router;
}
