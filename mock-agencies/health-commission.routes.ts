// 市卫生健康委: issues the birth medical certificate, one per child, number `[A-Z]\d{9}`.
import { Router } from 'express';
import { z } from 'zod';
import { hospitalRefusal, isoInstant, nameItems, PersonRef, personItems, subjectKey } from './agency-checks';
import type { MockContext } from './context';
import { correctionRequired, idempotentCommand, refused } from './idempotency';

export const BirthCertificateBody = z.object({
  idempotencyKey: z.string().optional(),
  caseId: z.string().min(1).max(100),
  hospitalId: z.string().min(1).max(50),
  newborn: z.object({
    name: z.string().max(50).nullish(),
    sex: z.enum(['M', 'F']),
    birthAt: isoInstant,
    birthWeightGrams: z.number().int().positive(),
  }),
  mother: PersonRef,
  father: PersonRef.nullable(),
});

export function healthCommissionRoutes(ctx: MockContext): Router {
  const router = Router();
  router.post(
    '/birth-certificates',
    ctx.faults.gate('healthCommission'),
    idempotentCommand(ctx.store, {
      agency: 'healthCommission',
      operation: 'issueBirthCertificate',
      schema: BirthCertificateBody,
      execute(input, key) {
        const items = [
          ...nameItems('newborn.name', input.newborn.name),
          ...personItems('mother', input.mother),
          ...(input.father ? personItems('father', input.father) : []),
        ];
        if (items.length > 0) return correctionRequired(items);
        const hospital = hospitalRefusal(input.hospitalId);
        if (hospital) return refused(hospital);
        // First issuance only: the same mother, birth instant and name is the same child.
        const subject = subjectKey(input.mother.idNumber, Date.parse(input.newborn.birthAt), input.newborn.name ?? '');
        if (ctx.store.recordBySubject('healthCommission', subject)) {
          return refused('a birth certificate was already issued for this child (first issuance only)');
        }
        const id = ctx.store.insertRecord({
          agency: 'healthCommission', service: 'birthCertificate', caseId: input.caseId, idempotencyKey: key, subject, state: {}, data: {},
        });
        const result = { certificateNumber: `Q${370_000_000 + id}` };
        ctx.store.updateState(id, result);
        return { status: 201, body: result };
      },
    }),
  );
  return router;
}
