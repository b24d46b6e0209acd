// 市卫生健康委: issues the birth medical certificate, one per child, number `[A-Z]\d{9}`; keeps the family
// registrations (生育登记, issue 18; the register and its rules in family-registry.ts).
import { Router } from 'express';
import type { NextFunction, Request as HttpRequest, Response } from 'express';
import { z } from 'zod';
import { hospitalRefusal, isoInstant, nameItems, PersonRef, personItems, subjectKey } from './agency-checks';
import type { MockContext } from './context';
import { FamilyRegistry, motherKeyOf, registrationConflicts, type Conflict } from './family-registry';
import { correctionRequired, errorBody, idempotentCommand, refused, type Answer } from './idempotency';

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

const RegistrationPerson = PersonRef.extend({ phone: z.string().max(20) });
const RegistrationRequest = z.object({
  mother: RegistrationPerson,
  father: RegistrationPerson.nullable(),
  marriage: z.object({ married: z.boolean(), marriedOn: z.string().max(10).optional() }),
  childrenBefore: z.number().int().min(0).max(50),
  expectedMonth: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/),
  hospitalId: z.string().min(1).max(50),
  householdOf: z.enum(['mother', 'father']),
});
export const FamilyRegistrationBody = z.object({
  idempotencyKey: z.string().optional(),
  registrationId: z.string().min(1).max(100),
  request: RegistrationRequest,
  caseId: z.string().min(1).max(100).optional(),
});
const AmendBody = z.object({ idempotencyKey: z.string().optional(), request: RegistrationRequest });
const WithdrawalBody = z.object({ idempotencyKey: z.string().optional(), outcome: z.enum(['withdrawn', 'expired']), reason: z.string().min(1).max(500) });
const BirthBody = z.object({ idempotencyKey: z.string().optional(), caseId: z.string().min(1).max(100), birthAt: isoInstant });

const conflict = (conflicts: Conflict[]): Answer => ({ status: 409, body: errorBody('REGISTRATION_CONFLICT', 'the registration conflicts with the register', { conflicts }) });
const unknownNumber = (): Answer => ({ status: 404, body: errorBody('NOT_FOUND', 'no registration with this number') });
const closed = (status: string): Answer => ({ status: 409, body: errorBody('REGISTRATION_CLOSED', `the registration is ${status}`) });

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
        // The mother's key: the family registrations count her births by it.
        const id = ctx.store.insertRecord({
          agency: 'healthCommission', service: 'birthCertificate', caseId: input.caseId, idempotencyKey: key, subject, state: {}, data: { motherKey: motherKeyOf(input.mother.idNumber) },
        });
        const result = { certificateNumber: `Q${370_000_000 + id}` };
        ctx.store.updateState(id, result);
        return { status: 201, body: result };
      },
    }),
  );
  familyRegistrationRoutes(router, ctx, new FamilyRegistry(ctx.store.db));
  return router;
}

type Request = z.infer<typeof RegistrationRequest>;
const idsOf = (r: Request) => ({ mother: r.mother.idNumber.toUpperCase(), father: r.father?.idNumber.toUpperCase() ?? null });

function familyRegistrationRoutes(router: Router, ctx: MockContext, registry: FamilyRegistry): void {
  const gate = ctx.faults.gate('healthCommission');
  const command = <S extends z.ZodType>(operation: string, schema: S, execute: (input: z.output<S>, number: string | undefined) => Answer) =>
    (req: HttpRequest, res: Response, next: NextFunction) =>
      idempotentCommand(ctx.store, { agency: 'healthCommission', operation: `${operation}:${req.params.number ?? ''}`, schema, execute: (input) => execute(input, req.params.number as string | undefined) })(req, res, next);

  router.post('/family-registrations', gate, command('registerFamily', FamilyRegistrationBody, (input) => {
    const ids = idsOf(input.request);
    const onRecord = registry.childrenOnRecord(ids.mother);
    const conflicts = registrationConflicts(ids, input.request.childrenBefore, onRecord, registry.openOf(ids.mother) !== undefined);
    if (conflicts.length > 0) return conflict(conflicts);
    const registrationNumber = registry.insert({
      registrationId: input.registrationId, idNumber: ids.mother, childrenBefore: input.request.childrenBefore, expectedMonth: input.request.expectedMonth, caseId: input.caseId ?? null,
    });
    return { status: 201, body: { registrationNumber, childrenOnRecord: onRecord } };
  }));

  router.put('/family-registrations/:number', gate, command('amendFamilyRegistration', AmendBody, (input, number) => {
    const row = number ? registry.byNumber(number) : undefined;
    if (!row) return unknownNumber();
    if (row.status !== 'open') return closed(row.status);
    const ids = idsOf(input.request);
    if (motherKeyOf(ids.mother) !== row.motherKey) return { status: 400, body: errorBody('VALIDATION_FAILED', 'the mother of a registration cannot change') };
    const onRecord = registry.childrenOnRecord(ids.mother);
    const conflicts = registrationConflicts(ids, input.request.childrenBefore, onRecord, false);
    if (conflicts.length > 0) return conflict(conflicts);
    registry.amend(row.number, input.request.childrenBefore, input.request.expectedMonth);
    return { status: 200, body: { registrationNumber: row.number, childrenOnRecord: onRecord } };
  }));

  router.post('/family-registrations/:number/withdrawal', gate, command('withdrawFamilyRegistration', WithdrawalBody, (input, number) => {
    const row = number ? registry.byNumber(number) : undefined;
    if (!row) return unknownNumber();
    if (row.status === 'open') registry.close(row.number, input.outcome);
    else if (row.status !== input.outcome) return closed(row.status);
    return { status: 200, body: { registrationNumber: row.number, status: input.outcome } };
  }));

  router.post('/family-registrations/:number/birth', gate, command('closeFamilyRegistration', BirthBody, (input, number) => {
    const row = number ? registry.byNumber(number) : undefined;
    if (!row) return unknownNumber();
    if (row.status === 'open') registry.close(row.number, 'born', input.caseId);
    else if (row.status !== 'born') return closed(row.status);
    return { status: 200, body: { registrationNumber: row.number, status: 'born' } };
  }));

  // What the register holds (no names, no ID numbers): for operators and tests.
  router.get('/family-registrations/:number', (req, res) => {
    const row = registry.byNumber(String(req.params.number));
    if (!row) {
      res.status(404).json(errorBody('NOT_FOUND', 'no registration with this number'));
      return;
    }
    res.json({ registrationNumber: row.number, status: row.status, childrenBefore: row.childrenBefore, expectedMonth: row.expectedMonth, caseId: row.caseId });
  });
}
