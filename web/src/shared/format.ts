// Times as people in Jinan read them: Beijing time, whatever the browser's own time zone.
const fmt = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
});
const dateFmt = new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', year: 'numeric', month: 'long', day: 'numeric' });

/** An instant as people in Jinan read it: `2026年11月20日 08:30`, Beijing time. */
export function dateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '—';
  const part = (type: Intl.DateTimeFormatPartTypes) => fmt.formatToParts(d).find((p) => p.type === type)?.value ?? '';
  return `${part('year')}年${Number(part('month'))}月${Number(part('day'))}日 ${part('hour')}:${part('minute')}`;
}

/** A calendar date `2026-11-20` (no time) or an instant, as `2026年11月20日`. */
export function dateOnly(value: string | null | undefined): string {
  if (!value) return '—';
  const d = new Date(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T12:00:00+08:00` : value);
  return Number.isNaN(d.getTime()) ? '—' : dateFmt.format(d);
}

/** How long since `iso`: "3天5小时", "2小时10分钟", "8分钟". */
export function since(iso: string, nowMs: number): string {
  const ms = Math.max(0, nowMs - new Date(iso).getTime());
  const minutes = Math.floor(ms / 60_000);
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  if (days > 0) return `${days}天${hours}小时`;
  if (hours > 0) return `${hours}小时${minutes % 60}分钟`;
  return `${Math.max(minutes, 0)}分钟`;
}

export const yuan = (n: number | null | undefined): string => (typeof n === 'number' ? `${n.toLocaleString('zh-CN')}元` : '—');

/** How the date-time pickers show and hold a Beijing time: `2026-11-20 08:30` (Element Plus / dayjs tokens). */
export const PICKER_DATE_TIME = 'YYYY-MM-DD HH:mm';
/** How the date pickers show and hold a calendar date: `2026-11-20`. */
export const PICKER_DATE = 'YYYY-MM-DD';

/** A picker's value (`2026-11-20 08:30`, or `2026-11-20T08:30`, entered as Beijing time) as ISO 8601 with +08:00. */
export function beijingIso(local: string | null | undefined): string | undefined {
  if (!local) return undefined;
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})$/.exec(local);
  return m ? `${m[1]}T${m[2]}:00+08:00` : local;
}

/** Now as a picker value in Beijing time (`2026-11-20 08:30`). */
export function beijingLocalNow(nowMs: number): string {
  return new Date(nowMs + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');
}

/** An instant as a picker value in Beijing time (`2026-11-20 08:30`); '' when it is not one. */
export function beijingPickerValue(iso: string | null | undefined): string {
  const ms = iso ? Date.parse(iso) : NaN;
  return Number.isNaN(ms) ? '' : beijingLocalNow(ms);
}

/**
 * The policy engine's sentences name dates as `2027-05-20` (and months as `2026-11`); people read them as
 * `2027年5月20日` (`2026年11月`). Only whole dates and year-months are rewritten, nothing else in the text.
 */
export function readableDates(text: string): string {
  return text
    .replace(/(?<![\d-])(\d{4})-(\d{2})-(\d{2})(?![\d-])/g, (_, y: string, m: string, d: string) => `${y}年${Number(m)}月${Number(d)}日`)
    .replace(/(?<![\d-])(\d{4})-(\d{2})(?![\d-])/g, (_, y: string, m: string) => `${y}年${Number(m)}月`);
}

/** A calendar month `2026-11` as `2026年11月`. */
export function monthText(value: string | null | undefined): string {
  const m = value ? /^(\d{4})-(\d{2})$/.exec(value) : null;
  return m ? `${m[1]}年${Number(m[2])}月` : dateOnly(value);
}
