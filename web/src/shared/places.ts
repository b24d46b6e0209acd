// Issue 19 (异地通办): where a family's services are handled, as the pages say it. Every fact comes from
// the domain: the channels and their usual time (domain/catalog.ts CHANNELS), the places (domain/regions.ts,
// GB/T 2260), which service goes where (domain/cross-region.ts placesOf) — nothing retyped here.
import { CHANNELS, POLICY_CONDITIONS } from '../../../domain/catalog';
import type { Channel, ServiceKey } from '../../../domain/catalog';
import { placesOf, serviceChannel, serviceDestination } from '../../../domain/cross-region';
import type { Places } from '../../../domain/cross-region';
import { channelTo, regionOf } from '../../../domain/regions';

export { placesOf, serviceChannel, serviceDestination, type Places };
export type { Channel };

const isChannel = (c: unknown): c is Channel => typeof c === 'string' && Object.hasOwn(CHANNELS, c);

export const channelLabel = (c: unknown): string => (isChannel(c) ? CHANNELS[c].label : '');
/** "通常约5个工作日" for a channel to another place, '' for Jinan's own. */
export function channelDaysText(c: unknown): string {
  const days = isChannel(c) ? CHANNELS[c].serviceLevelDays : null;
  return days === null ? '' : `通常约${days}个工作日`;
}
export const CHANNEL_ROWS = (Object.keys(CHANNELS) as Channel[]).map((key) => ({ key, label: CHANNELS[key].label, days: CHANNELS[key].serviceLevelDays }));

/** The place a region code names (山东省青岛市), or null when the table does not know it. */
export const placeLabel = (code: string | null | undefined): string | null => (code ? regionOf(code)?.label ?? null : null);

export interface PlaceHint { label: string; channel: Channel; text: string }
/** Under a region field: the place and how a case there is handled ("山东省青岛市 · 省内跨域通办"). */
export function placeHint(code: string): PlaceHint | null {
  const region = /^\d{6}$/.test(code.trim()) ? regionOf(code.trim()) : null;
  if (!region) return null;
  const channel = channelTo(code.trim());
  return { label: region.label, channel, text: `${region.label} · ${CHANNELS[channel].label}` };
}

/** The plain statement when the child is insured at home, outside Jinan: Jinan's waiver does not apply. */
export function waiverNotApplying(places: Places, waiverTitle: string): string | null {
  if (places.insuredAt !== 'household' || places.insuranceChannel === 'local') return null;
  const where = placeLabel(places.householdRegion) ?? places.householdRegion;
  return `孩子在户籍地（${where}）参加城乡居民医保：${POLICY_CONDITIONS.ENROLMENT_NOT_IN_JINAN.label}，济南市的${waiverTitle}不适用。`;
}

export interface ServicePlace { channel: Channel; label: string; days: string; destination: string | null; text: string }
/**
 * Where one item is handled, from what a case view says of it (`handledAt`: channel, placeLabel, …) —
 * the pages never guess for a case whose view does not say (a case from before issue 19).
 */
export function servicePlace(s: unknown): ServicePlace | null {
  const at = s !== null && typeof s === 'object' ? (s as { handledAt?: unknown }).handledAt : undefined;
  if (at === null || typeof at !== 'object') return null;
  const h = at as { channel?: unknown; placeLabel?: unknown; regionCode?: unknown };
  if (!isChannel(h.channel)) return null;
  const destination = h.channel === 'local' ? null : (typeof h.placeLabel === 'string' ? h.placeLabel : placeLabel(typeof h.regionCode === 'string' ? h.regionCode : null));
  return describe(h.channel, destination);
}

function describe(channel: Channel, destination: string | null): ServicePlace {
  const days = channelDaysText(channel);
  const label = CHANNELS[channel].label;
  const text = channel === 'local' ? label : `${label}${destination ? `（${destination}）` : ''}${days ? `，${days}` : ''}`;
  return { channel, label, days, destination, text };
}

/** Where each item of an application goes (for the form's preview, before a case exists). */
export function plannedPlace(places: Places, key: ServiceKey): ServicePlace {
  return describe(serviceChannel(places, key), placeLabel(serviceDestination(places, key)));
}

export interface OriginalsTask { service: string | null; items: string[]; postTo: string; dueAt: string | null }
/** The other place's request for posted originals (an action required of kind `originals`), or null. */
export function originalsTask(a: unknown): OriginalsTask | null {
  if (a === null || typeof a !== 'object') return null;
  const v = a as { kind?: unknown; service?: unknown; items?: unknown; postTo?: unknown; dueAt?: unknown };
  if (v.kind !== 'originals') return null;
  const items = Array.isArray(v.items) ? v.items.map((i) => (typeof i === 'string' ? i : typeof i?.message === 'string' ? i.message : '')).filter((t) => t !== '') : [];
  return {
    service: typeof v.service === 'string' ? v.service : null,
    items,
    postTo: typeof v.postTo === 'string' ? v.postTo : '',
    dueAt: typeof v.dueAt === 'string' ? v.dueAt : null,
  };
}
