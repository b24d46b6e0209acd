// The exchange mock's deterministic answers (issue 19), from the data a forward carries. Pure.
// See README.md ("跨域通办平台") for the table of triggers.
import type { ExchangeChannel } from '../domain/catalog';
import { channelTo, regionLabel, regionOf } from '../domain/regions';
import { parseCitizenId } from './identity.rules';

/** Sequence digits (positions 15–17) of the household parent's ID that make the other place ask for originals (a man's, a woman's). */
export const ORIGINALS_SEQUENCE = '997';
export const ORIGINALS_SEQUENCES: readonly string[] = [ORIGINALS_SEQUENCE, '992'];
/** … that make the other place refuse: it has no such household (a man's, a woman's). */
export const NO_HOUSEHOLD_SEQUENCE = '995';
export const NO_HOUSEHOLD_SEQUENCES: readonly string[] = [NO_HOUSEHOLD_SEQUENCE, '996'];
/** A birth certificate number ending so is unknown to the other place. */
export const UNKNOWN_CERTIFICATE_SUFFIX = '9999';
/** A birth certificate number ending so was issued for another mother or birth. */
export const MISMATCHED_CERTIFICATE_SUFFIX = '8888';
/** How many agency days the parents have to post originals. */
export const ORIGINALS_POSTING_DAYS = 15;

export type ForwardPlan =
  | { kind: 'answer' }
  | { kind: 'originals'; items: string[] }
  | { kind: 'refuse'; reason: string };

/** The channel to a place outside Jinan, or null for Jinan itself or an unknown code (nothing to forward). */
export function exchangeChannelTo(regionCode: string): ExchangeChannel | null {
  if (regionOf(regionCode) === null) return null;
  const channel = channelTo(regionCode);
  return channel === 'local' ? null : channel;
}

const text = (v: unknown): string => (typeof v === 'string' ? v : '');
const objectOf = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' ? (v as Record<string, unknown>) : {});

/** The ID number of the parent whose household the child joins (household forwards). */
function householdParentId(application: Record<string, unknown>): string {
  const of = application.householdOf === 'father' ? 'father' : 'mother';
  return text(objectOf(application[of]).idNumber);
}

/** What the other place will do with a forward. */
export function planForward(kind: string, destination: string, application: Record<string, unknown>): ForwardPlan {
  if (kind === 'household') {
    const sequence = parseCitizenId(householdParentId(application))?.sequence ?? '';
    if (NO_HOUSEHOLD_SEQUENCES.includes(sequence)) return { kind: 'refuse', reason: '户籍地未查到该户籍，无法办理新生儿入户' };
    if (ORIGINALS_SEQUENCES.includes(sequence)) {
      const married = application.married === true;
      return { kind: 'originals', items: ['出生医学证明原件', ...(married ? ['父母结婚证原件'] : []), '户口簿原件'] };
    }
    return { kind: 'answer' };
  }
  const child = parseCitizenId(text(application.childCitizenId));
  if (!child) return { kind: 'refuse', reason: '公民身份号码无效' };
  if (child.regionCode.slice(0, 2) !== destination.slice(0, 2)) {
    return { kind: 'refuse', reason: `该儿童户籍不在${regionLabel(destination)}，请在户籍地或居住地办理` };
  }
  return { kind: 'answer' };
}

/** Where the parents post originals: the household registration office of the other place. */
export const postToOf = (destination: string): string => `${regionLabel(destination)}公安局户籍窗口（跨域通办专窗）`;

/** Null when the other place's certificate exists and matches; else the reason it does not. */
export function certificateRefusal(certificateNumber: string, issuingRegionCode: string): string | null {
  if (exchangeChannelTo(issuingRegionCode) === null) return '签发地不是济南市以外的已知地区';
  if (certificateNumber.endsWith(UNKNOWN_CERTIFICATE_SUFFIX)) return '签发地未查到该出生医学证明';
  if (certificateNumber.endsWith(MISMATCHED_CERTIFICATE_SUFFIX)) return '出生医学证明上的母亲或出生信息与申请不一致';
  return null;
}
