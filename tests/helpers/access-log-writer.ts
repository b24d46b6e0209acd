// A separate process that appends reads to the access log on a SQLite file, as a second API process
// would: `node --import tsx tests/helpers/access-log-writer.ts <file> <count> <label>`.
import { accessLogSchema, createAccessLog } from '../../infra/access-log';
import { openMigratedDatabase } from '../../infra/database';

async function main(): Promise<void> {
  const [file, count, label] = process.argv.slice(2);
  if (!file || !count || !label) throw new Error('usage: access-log-writer <file> <count> <label>');
  const database = await openMigratedDatabase({ dialect: 'sqlite', file }, accessLogSchema);
  const log = createAccessLog(database);
  for (let i = 0; i < Number(count); i++) {
    await log.record({ actor: { sub: `clerk.${label}`, role: 'clerk', hospitalId: 'H0001' }, caseId: `case-${label}-${i}`, view: 'case' });
  }
  await database.close();
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error && err.stack ? err.stack : String(err)}\n`);
  process.exit(1);
});
