// Times as people in Jinan read them: Beijing time, whatever the browser's own time zone.
const fmt = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false,
});
const dateFmt = new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', year: 'numeric', month: 'long', day: 'numeric' });

export function dateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '—' : fmt.format(d).replace(/\//g, '-');
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

/** A datetime-local value (`2026-11-20T08:30`, entered as Beijing time) as ISO 8601 with +08:00. */
export function beijingIso(local: string): string | undefined {
  if (!local) return undefined;
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(local) ? `${local}:00+08:00` : local;
}

/** Now as a datetime-local value in Beijing time. */
export function beijingLocalNow(nowMs: number): string {
  return new Date(nowMs + 8 * 3600_000).toISOString().slice(0, 16);
}

/** A calendar month `2026-11` as `2026年11月`. */
export function monthText(value: string | null | undefined): string {
  const m = value ? /^(\d{4})-(\d{2})$/.exec(value) : null;
  return m ? `${m[1]}年${Number(m[2])}月` : dateOnly(value);
}
