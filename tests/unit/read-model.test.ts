// The read model on SQLite in a temp dir (the embedded default), and the projection of a case onto the
// row's plain columns. The same behaviour on PostgreSQL: tests/db/read-model.pg.test.ts.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benefitsInputFor, decideBenefits } from '../../domain/policy';
import type { CaseEvent } from '../../domain/case-state';
import { openDatabase, openMigratedDatabase } from '../../infra/database';
import { caseProjection, createReadModel, readModelSchema } from '../../infra/read-model';
import { childcareSubsidyDecision, waiverOutcome } from '../../workflows/case-publication';
import type { BirthCaseState } from '../../workflows/birth-case.contract';
import { caseState, journalState, newCodec, readModelSuite, steps } from '../helpers/read-model-suite';

const dirs: string[] = [];
const freshDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'read-model-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

readModelSuite('SQLite', () => Promise.resolve(openDatabase({ dialect: 'sqlite', file: join(freshDir(), 'app.sqlite') })));

describe('the read model on one SQLite file', () => {
  it('when cases are stored, then neither the database file nor its journal holds the mother’s name or ID number', async () => {
    const file = join(freshDir(), 'app.sqlite');
    const database = await openMigratedDatabase({ dialect: 'sqlite', file }, readModelSchema);
    const state = caseState({ caseId: 'C-FILE', stage: 'inReview', application: { mother: { name: '欧阳秀英' } } });
    try {
      await createReadModel(database, newCodec()).publish(state, 3);
    } finally {
      await database.close();
    }
    const bytes = Buffer.concat([file, `${file}-wal`].filter(existsSync).map((f) => readFileSync(f)));
    expect(bytes.includes(Buffer.from('C-FILE'))).toBe(true); // the file was read where the row is
    expect(bytes.includes(Buffer.from('欧阳秀英'))).toBe(false);
    expect(bytes.includes(Buffer.from(state.application.mother.idNumber))).toBe(false);
  });
});

describe('the projection of a case onto its row', () => {
  it('when a case waits on an officer and an agency, then the row says so, with its status, Shanghai birth day and times', () => {
    const state = caseState({ caseId: 'C-P', hospitalId: 'H0007', stage: 'inReview', birthAt: '2026-11-19T16:30:00Z', createdAt: '2026-11-20T01:00:00Z' });
    expect(caseProjection(state, 3)).toEqual({
      caseId: 'C-P', seq: 3, hospitalId: 'H0007', status: 'in_progress', bornOn: '2026-11-20',
      createdAt: '2026-11-20T09:00:00.000+08:00', updatedAt: '2026-11-20T09:02:00.000+08:00',
      overdue: false, waitingOn: ['officer', 'agency'],
      waiverOutcome: 'pending', waiverLostReason: null, childcareSubsidy: 'pending', channel: null,
      closedAt: null, secondsToFinish: null, awaitingOriginals: false, servicesElsewhere: false,
      services: expect.arrayContaining([
        { service: 'birthCertificate', agency: 'healthCommission', channel: 'local', submittedAt: '2026-11-20T09:01:00.000+08:00', endedAt: null, seconds: null, firstOnChannel: true },
        { service: 'household', agency: 'publicSecurity', channel: 'local', submittedAt: null, endedAt: null, seconds: null, firstOnChannel: false },
      ]),
    });
  });

  it('when a case is finished, then the row has its close (the last entry) and the time to it, and each service the time its agency took; skipped services are left out', () => {
    const { submitted, completed, refused, finished } = steps;
    const state = journalState({
      caseId: 'C-F', createdAt: '2026-11-20T09:00:00.000+08:00',
      steps: [submitted('birthCertificate', 1), submitted('household', 2, 'crossProvince'), completed('birthCertificate', 31), refused('household', 2 + 24 * 60), finished(3 + 24 * 60)],
    });
    expect(caseProjection(state, state.events.length)).toMatchObject({
      status: 'partially_completed', closedAt: '2026-11-21T09:03:00.000+08:00', secondsToFinish: 86_580, awaitingOriginals: false, servicesElsewhere: true,
      services: [
        { service: 'birthCertificate', agency: 'healthCommission', channel: 'local', submittedAt: '2026-11-20T09:01:00.000+08:00', endedAt: '2026-11-20T09:31:00.000+08:00', seconds: 1800, firstOnChannel: true },
        { service: 'household', agency: 'publicSecurity', channel: 'crossProvince', submittedAt: '2026-11-20T09:02:00.000+08:00', endedAt: '2026-11-21T09:02:00.000+08:00', seconds: 86_400, firstOnChannel: true },
      ],
    });
  });

  it('when another place asks for originals, then the open case awaits them; once cancelled, it does not', () => {
    const { submitted, forwarded, originals, cancelled } = steps;
    const asked = [submitted('household', 1, 'inProvince'), forwarded('household', 1, 'inProvince'), originals('household', 2)];
    expect(caseProjection(journalState({ caseId: 'C-QD', steps: asked }), 5)).toMatchObject({ status: 'action_required', awaitingOriginals: true, waitingOn: ['parent', 'agency'], closedAt: null });
    // closed, yet not finished: no time to finish
    expect(caseProjection(journalState({ caseId: 'C-QDX', steps: [...asked, cancelled(3)] }), 6)).toMatchObject({
      status: 'cancelled', awaitingOriginals: false, servicesElsewhere: true, closedAt: '2026-11-20T09:03:00.000+08:00', secondsToFinish: null,
    });
  });

  it('when a review is past due, then the row is overdue; when the case is closed, it waits on nobody', () => {
    expect(caseProjection(caseState({ caseId: 'C-O', stage: 'overdue' }), 4)).toMatchObject({ overdue: true, waitingOn: ['officer', 'agency'] });
    expect(caseProjection(caseState({ caseId: 'C-X', stage: 'cancelled' }), 3)).toMatchObject({ status: 'cancelled', overdue: false, waitingOn: [] });
  });

  it('when a case has no entry yet, then its creation time is the one given, and without one the projection refuses', () => {
    const started = caseState({ caseId: 'C-0', entries: 0 });
    expect(caseProjection(started, 0, '2026-11-20T10:00:00+08:00')).toMatchObject({ createdAt: '2026-11-20T10:00:00.000+08:00', updatedAt: null, status: 'accepted', waitingOn: [] });
    expect(() => caseProjection(started, 0)).toThrow(/C-0 has no entry yet/);
    expect(() => caseProjection(started, -1, '2026-11-20T10:00:00+08:00')).toThrow(RangeError);
  });

  it('when the benefits are decided, then the row carries the waiver’s outcome and the subsidy’s decision as the search attributes do', () => {
    const decided = (birthOrder: number): BirthCaseState => {
      const base = caseState({ caseId: `C-B${birthOrder}`, stage: 'accepted', application: { newborn: { birthOrder } } });
      const benefits = decideBenefits(benefitsInputFor(base.application));
      const entry: CaseEvent = {
        seq: 2, at: '2026-11-20T09:01:00.000+08:00', actor: { role: 'system', id: null }, action: 'benefits.decided', service: null, attempt: null, outcome: 'ok', reason: null, data: { benefits },
      };
      return { ...base, benefits, events: [...base.events, entry] };
    };
    for (const state of [decided(1), decided(2)]) {
      const waiver = waiverOutcome(state);
      expect(caseProjection(state, 2)).toMatchObject({ waiverOutcome: waiver.outcome, waiverLostReason: waiver.lostReason, childcareSubsidy: childcareSubsidyDecision(state) });
    }
    // a first child has neither; a second child is eligible to both, pending enrolment
    expect(caseProjection(decided(1), 2)).toMatchObject({ waiverOutcome: 'not_applicable', waiverLostReason: null, childcareSubsidy: 'refused' });
    expect(caseProjection(decided(2), 2)).toMatchObject({ waiverOutcome: 'pending', childcareSubsidy: 'pending' });
  });

  it('when the household is registered in another place, then the row names the exchange’s channel; in Jinan, none', () => {
    const father = (hukouRegionCode: string) => ({ application: { householdOf: 'father' as const, father: { hukouRegionCode } } });
    expect(caseProjection(caseState({ caseId: 'C-QD', ...father('370202') }), 2).channel).toBe('inProvince');
    expect(caseProjection(caseState({ caseId: 'C-BJ', ...father('110105') }), 2).channel).toBe('crossProvince');
    expect(caseProjection(caseState({ caseId: 'C-JN', ...father('370103') }), 2).channel).toBeNull();
    // where the case recorded the household's channel, that is what counts
    const recorded = caseState({ caseId: 'C-REC', ...father('370202') });
    recorded.services.household = { ...recorded.services.household, status: 'submitted', attempts: 1, channel: 'local' };
    expect(caseProjection(recorded, 2).channel).toBeNull();
  });
});
