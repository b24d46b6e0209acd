// Which cases and registrations belong to a parent (issue 18): rows of (the keyed hash of a phone number,
// or of a registration parent's ID number, kind, id), written when a case is started or a registration made, read when a signed-in parent asks for
// theirs. Only the keyed hash of the phone (api/case-identity.ts personKey) is kept, never the number.
// A row written for a case whose start then failed points at nothing: readers skip ids Temporal does not know.
import type { Kysely, Migration } from 'kysely';
import type pino from 'pino';
import type { Config } from '../infra/config';
import { openMigratedDatabase } from '../infra/database';
import type { ModuleSchema } from '../infra/database';
import { personKey } from './case-identity';
import { databaseOptions, type SessionStoreConfig } from './staff-session-store';

export type ParentLinkKind = 'case' | 'registration';
type LinkRow = { phone_key: string; kind: ParentLinkKind; ref: string; created_at: number };
type Tables = { parent_links: LinkRow };

/** This module's table, for `database.migrate(parentLinksSchema)`. */
export const parentLinksSchema: ModuleSchema = {
  owner: 'parent_links',
  migrations: (): Record<string, Migration> => ({
    '0001-parent-links': {
      async up(db: Kysely<unknown>) {
        await db.schema.createTable('parent_links')
          .addColumn('phone_key', 'text', (c) => c.notNull())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('ref', 'text', (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addPrimaryKeyConstraint('parent_links_pk', ['phone_key', 'kind', 'ref'])
          .execute();
      },
    },
  }),
};

export interface ParentLinks {
  /** Links each phone (the numbers, deduplicated) to `ref`; linking twice is a no-op. */
  link(phones: readonly string[], kind: ParentLinkKind, ref: string): Promise<void>;
  /**
   * Links keyed hashes already made (e.g. personKey('idNumber', …) of a registration's parents, so a parent
   * signed in with real name finds it whatever phone they use); linking twice is a no-op.
   */
  linkKeys(keys: readonly string[], kind: ParentLinkKind, ref: string): Promise<void>;
  /** The ids linked to a phone's keyed hash, newest first (at most `limit`). */
  refs(phoneKey: string, kind: ParentLinkKind, limit?: number): Promise<string[]>;
}

export function createParentLinks(config: SessionStoreConfig & Pick<Config, 'CASE_ID_SECRET'>, logger?: pino.Logger): ParentLinks {
  let opened: Promise<Kysely<Tables>> | null = null;
  const db = (): Promise<Kysely<Tables>> => {
    opened ??= openMigratedDatabase(databaseOptions(config), parentLinksSchema).then((d) => d.db.withTables<Tables>()).catch((err: unknown) => {
      opened = null;
      logger?.error({ err: (err as Error).message }, 'parent links: database not opened');
      throw err;
    });
    return opened;
  };
  const linkKeys = async (given: readonly string[], kind: ParentLinkKind, ref: string): Promise<void> => {
    const keys = [...new Set(given)];
    if (keys.length === 0) return;
    const now = Date.now();
    await (await db()).insertInto('parent_links')
      .values(keys.map((phone_key) => ({ phone_key, kind, ref, created_at: now })))
      .onConflict((oc) => oc.columns(['phone_key', 'kind', 'ref']).doNothing())
      .execute();
  };
  return {
    link(phones, kind, ref) {
      return linkKeys(phones.map((p) => personKey('phone', p, config.CASE_ID_SECRET)), kind, ref);
    },
    linkKeys,
    async refs(phoneKey, kind, limit = 100) {
      const rows = await (await db()).selectFrom('parent_links').select('ref')
        .where('phone_key', '=', phoneKey).where('kind', '=', kind)
        .orderBy('created_at', 'desc').orderBy('ref').limit(limit).execute();
      return rows.map((r) => r.ref);
    },
  };
}
