// Staff reads of personal data, recorded in the access log (infra/access-log.ts) before the answer is
// sent: fail closed — when the record cannot be stored, the reader gets 503 and sees nothing. The log
// lives in the project's database (SQLite under DATA_DIR, PostgreSQL with DATABASE_URL), never in
// Temporal. The API prunes it once a day by ACCESS_LOG_RETENTION_DAYS (scripts/access-log.ts does the
// same by hand).
import type { Request } from 'express';
import type pino from 'pino';
import { AccessActor, AccessLogEnv, accessLogSchema, createAccessLog } from '../infra/access-log';
import type { AccessLog, AccessView } from '../infra/access-log';
import { DatabaseEnv, databaseOptionsFromEnv, openMigratedDatabase } from '../infra/database';
import { staffOf } from './auth';
import { ApiError } from './errors';

/** Stands for a codec decode whose payloads name no case (the record still says who decoded, and when). */
export const NO_CASE_ID = 'unknown';

/** What the routes need of the access log: record a read (or several), fail closed. */
export interface ReadRecorder {
  /** Records that the signed-in staff member read these cases in this view; 503 when it cannot be stored. */
  record(req: Request, caseIds: string | readonly string[], view: AccessView): Promise<void>;
}

export function readRecorder(log: AccessLog): ReadRecorder {
  return {
    async record(req, caseIds, view) {
      const ids = typeof caseIds === 'string' ? [caseIds] : caseIds;
      if (ids.length === 0) return;
      const staff = staffOf(req);
      try {
        const actor = AccessActor.parse(staff);
        const clientAddress = req.ip ? req.ip.slice(0, 64) : undefined;
        await log.recordMany(ids.map((caseId) => ({ actor, caseId, view, ...(clientAddress ? { clientAddress } : {}) })));
      } catch (err) {
        req.log?.error({ err: (err as Error).name, view, cases: ids.length }, 'access record not stored: read refused');
        throw new ApiError('UNAVAILABLE', '访问记录暂时无法写入，请稍后再试');
      }
    },
  };
}

/** The process config: the data folder, and the database and retention settings once config carries them. */
type AccessLogConfig = { DATA_DIR: string } & Partial<Record<keyof DatabaseEnv | keyof AccessLogEnv, string | number | undefined>>;

/** The settings as the environment spells them, the config's values (parsed already) over the environment's. */
function settingsOf(config: AccessLogConfig, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const keys = [...Object.keys(DatabaseEnv.shape), ...Object.keys(AccessLogEnv.shape)] as Array<keyof AccessLogConfig>;
  const fromConfig = Object.fromEntries(keys.flatMap((k) => (config[k] === undefined ? [] : [[k, String(config[k])]])));
  return { ...env, ...fromConfig };
}

/** How often the API prunes the access log (the first time a minute after start). */
const PRUNE_EVERY_MS = 24 * 3600 * 1000;
const FIRST_PRUNE_AFTER_MS = 60_000;

/**
 * The access log of this process: the database opened and migrated in the background; every call waits
 * for it (and fails, so reads answer 503, while it cannot be opened). Prunes daily by the retention
 * setting on a timer that does not keep the process alive.
 */
export function openAccessLog(config: AccessLogConfig, logger?: pino.Logger, given: NodeJS.ProcessEnv = process.env): AccessLog {
  const env = settingsOf(config, given);
  const ready = openMigratedDatabase(databaseOptionsFromEnv(env, config.DATA_DIR), accessLogSchema).then((db) => createAccessLog(db));
  ready.catch((err: unknown) => logger?.error({ err: (err as Error).message }, 'access log: database not opened'));
  const { ACCESS_LOG_RETENTION_DAYS } = AccessLogEnv.parse(env);
  const prune = (): void => {
    ready.then((log) => log.prune({ olderThanDays: ACCESS_LOG_RETENTION_DAYS }))
      .then((report) => logger?.info({ pruned: report.pruned, anchor: report.anchor?.seq ?? null }, 'access log pruned'))
      .catch((err: unknown) => logger?.error({ err: (err as Error).message }, 'access log: prune failed'));
  };
  setTimeout(() => {
    prune();
    setInterval(prune, PRUNE_EVERY_MS).unref();
  }, FIRST_PRUNE_AFTER_MS).unref();
  const later = <K extends keyof AccessLog>(key: K) =>
    ((...args: unknown[]) => ready.then((log) => (log[key] as (...a: unknown[]) => unknown)(...args))) as unknown as AccessLog[K];
  return {
    record: later('record'),
    recordMany: later('recordMany'),
    query: later('query'),
    forCase: later('forCase'),
    forSubject: later('forSubject'),
    forParents: later('forParents'),
    async *exportCsv(filter, options) {
      yield* (await ready).exportCsv(filter, options);
    },
    verify: later('verify'),
    prune: later('prune'),
    head: later('head'),
  };
}
