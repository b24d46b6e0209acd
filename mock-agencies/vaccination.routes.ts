// 疾控 / 接种单位: opens the child's vaccination record; answers the certificate number and next doses.
import { Router } from 'express';
import { z } from 'zod';
import { hospitalRefusal, isoInstant, nameItems, numbered, PersonRef, personItems } from './agency-checks';
import type { MockContext } from './context';
import { correctionRequired, idempotentCommand, refused } from './idempotency';
import { shanghaiDate } from './identity.rules';
import { nextDoses } from './vaccination.rules';

export const VaccinationBody = z.object({
  idempotencyKey: z.string().optional(),
  caseId: z.string().min(1).max(100),
  hospitalId: z.string().min(1).max(50),
  newborn: z.object({ name: z.string().max(50).nullable(), sex: z.enum(['M', 'F']), birthAt: isoInstant }),
  mother: PersonRef,
  dosesGiven: z.array(z.enum(['HepB-1', 'BCG'])).max(2),
});

export function vaccinationRoutes(ctx: MockContext): Router {
  const router = Router();
  router.post(
    '/records',
    ctx.faults.gate('vaccination'),
    idempotentCommand(ctx.store, {
      agency: 'vaccination',
      operation: 'createVaccinationRecord',
      schema: VaccinationBody,
      execute(input, key) {
        // The child's name may still be unchosen here; when given it must be standard.
        const items = [
          ...(input.newborn.name === null ? [] : nameItems('newborn.name', input.newborn.name)),
          ...personItems('mother', input.mother),
        ];
        if (items.length > 0) return correctionRequired(items);
        const hospital = hospitalRefusal(input.hospitalId);
        if (hospital) return refused(hospital);
        const id = ctx.store.insertRecord({
          agency: 'vaccination', service: 'vaccination', caseId: input.caseId, idempotencyKey: key, subject: null, state: {}, data: {},
        });
        const result = {
          certificateNumber: numbered('V3701', id, 8),
          nextDoses: nextDoses(shanghaiDate(input.newborn.birthAt), input.dosesGiven),
        };
        ctx.store.updateState(id, result);
        return { status: 201, body: result };
      },
    }),
  );
  return router;
}
