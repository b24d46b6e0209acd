// The other children of a multiple birth, as the clerk's hospital has them (issue 22: twins' cases shown to
// each other). Found without personal data in search attributes: the hospital's cases born within a day of
// this one (the birth-date attribute), each read and kept only when the mother's ID number is the same and
// the case records the same multiple birth — compared here, server-side; the page gets no ID number.
import type { RequestHandler } from 'express';
import { z } from 'zod';
import { addDays, instantMs, shanghaiDate } from '../domain/dates';
import type { BirthCaseState } from '../workflows/birth-case.contract';
import { staffOf } from './auth';
import type { CaseRepository } from './case-repository';

export const DeliverySibling = z.object({
  caseId: z.string(),
  status: z.string(),
  birthOrder: z.number().int(),
  position: z.number().int(),
  newbornName: z.string().nullable(),
  bornAt: z.string(),
});
export type DeliverySibling = z.infer<typeof DeliverySibling>;

export const CaseDelivery = z.object({
  /** How many children the delivery brought (1: not a multiple birth, no siblings looked for). */
  children: z.number().int(),
  position: z.number().int(),
  /** The other children's cases at this hospital, by position. */
  siblings: z.array(DeliverySibling),
  /** False when the hospital's list had more candidates than were read (`MAX_CANDIDATES`). */
  complete: z.boolean(),
}).meta({ description: 'the other children of the same delivery whose cases this hospital has' });
export type CaseDelivery = z.infer<typeof CaseDelivery>;

/** Candidates read at most: a hospital's births within three days, far more than one delivery's children. */
export const MAX_CANDIDATES = 200;
/** Children of one delivery are born within this span of each other (a long second stage, a caesarean after). */
const SAME_DELIVERY_MS = 48 * 3600_000;

export async function caseDelivery(cases: Pick<CaseRepository, 'list' | 'read'>, state: BirthCaseState): Promise<CaseDelivery> {
  const { newborn, mother } = state.application;
  const multiple = newborn.multipleBirth;
  if (!multiple) return { children: 1, position: 1, siblings: [], complete: true };
  const day = shanghaiDate(newborn.birthAt);
  const ids: string[] = [];
  let pageToken: string | undefined;
  do {
    const page = await cases.list({ bornFrom: addDays(day, -1), bornTo: addDays(day, 1), pageSize: 100, ...(pageToken ? { pageToken } : {}) }, state.hospitalId);
    ids.push(...page.cases.map((c) => c.caseId).filter((id) => id !== state.caseId));
    pageToken = page.nextPageToken ?? undefined;
  } while (pageToken && ids.length < MAX_CANDIDATES);
  const read = await Promise.all(ids.slice(0, MAX_CANDIDATES).map((id) => cases.read(id).catch(() => null)));
  const motherId = mother.idNumber.toUpperCase();
  const born = instantMs(newborn.birthAt);
  const siblings = read
    .filter((s): s is BirthCaseState => s !== null && s.hospitalId === state.hospitalId)
    .filter((s) => s.application.mother.idNumber.toUpperCase() === motherId && s.application.newborn.multipleBirth?.children === multiple.children)
    .filter((s) => Math.abs(instantMs(s.application.newborn.birthAt) - born) <= SAME_DELIVERY_MS)
    .map((s): DeliverySibling => ({
      caseId: s.caseId,
      status: s.status,
      birthOrder: s.application.newborn.birthOrder,
      position: s.application.newborn.multipleBirth?.position ?? 0,
      newbornName: s.application.newborn.name ?? null,
      bornAt: s.application.newborn.birthAt,
    }))
    .sort((a, b) => a.position - b.position || a.birthOrder - b.birthOrder);
  return { children: multiple.children, position: multiple.position, siblings, complete: !pageToken && ids.length <= MAX_CANDIDATES };
}

/** GET /api/cases/{caseId}/delivery (clerk): the case's access check first; the siblings read are recorded as listed. */
export const readDelivery = (cases: CaseRepository): RequestHandler => async (req, res) => {
  const state = await cases.load(String(req.params.caseId), staffOf(req));
  const delivery = await caseDelivery(cases, state);
  if (delivery.siblings.length > 0) await cases.recordRead(req, delivery.siblings.map((s) => s.caseId), 'list');
  res.json(delivery);
};
