// Operators' tool for the access records in the project's database (DATABASE_URL, else the SQLite file
// under DATA_DIR):
//   npx tsx scripts/access-log.ts verify            walks the chain; exit 1 and the first bad record when broken
//   npx tsx scripts/access-log.ts head              the last sequence number and hash (publish it to pin the chain)
//   npx tsx scripts/access-log.ts prune             removes records older than ACCESS_LOG_RETENTION_DAYS (from the start)
//   npx tsx scripts/access-log.ts export [--case ID] [--subject SUB] [--from ISO] [--to ISO] > records.csv
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { AccessLogEnv, accessLogSchema, createAccessLog } from '../infra/access-log';
import { databaseOptionsFromEnv, openMigratedDatabase } from '../infra/database';

async function main(): Promise<number> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { case: { type: 'string' }, subject: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' } },
  });
  const command = positionals[0];
  if (!command || !['verify', 'head', 'prune', 'export'].includes(command)) {
    process.stderr.write('usage: access-log verify | head | prune | export [--case ID] [--subject SUB] [--from ISO] [--to ISO]\n');
    return 2;
  }
  const dataDir = process.env.DATA_DIR ?? resolve(__dirname, '..', '.data');
  const database = await openMigratedDatabase(databaseOptionsFromEnv(process.env, dataDir), accessLogSchema);
  try {
    const log = createAccessLog(database);
    const print = (x: unknown) => process.stdout.write(`${JSON.stringify(x)}\n`);
    switch (command) {
      case 'verify': {
        const report = await log.verify();
        print(report);
        return report.ok ? 0 : 1;
      }
      case 'head':
        print(await log.head());
        return 0;
      case 'prune':
        print(await log.prune({ olderThanDays: AccessLogEnv.parse(process.env).ACCESS_LOG_RETENTION_DAYS }));
        return 0;
      default:
        for await (const chunk of log.exportCsv({ caseId: values.case, subject: values.subject, from: values.from, to: values.to }, { bom: true })) {
          process.stdout.write(chunk);
        }
        return 0;
    }
  } finally {
    await database.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`access-log: ${(err as Error).message}\n`);
    process.exit(1);
  },
);
