// Operators' tool for the read model in the project's database (DATABASE_URL, else the SQLite file under
// DATA_DIR), against the Temporal the environment names (TEMPORAL_ADDRESS, as the API):
//   npm run read-model -- rebuild    every birth case read from Temporal and written where the read model is behind,
//                                    and rows of an older projection (before the dashboard's columns) refreshed;
//                                    prints {cases, applied, refreshed, current, failed}; exit 1 when some case could not be read
import { rebuildReadModel } from '../api/read-model-rebuild';
import { loadConfig } from '../infra/config';
import { openReadModel } from '../infra/read-model-process';
import { createClient } from '../infra/temporal';

async function main(): Promise<number> {
  const command = process.argv[2];
  if (command !== 'rebuild') {
    process.stderr.write('usage: read-model rebuild\n');
    return 2;
  }
  const config = loadConfig();
  const client = createClient(config);
  const readModel = openReadModel(config);
  try {
    const report = await rebuildReadModel(client, readModel);
    process.stdout.write(`${JSON.stringify(report)}\n`);
    return report.failed.length > 0 ? 1 : 0;
  } finally {
    await readModel.close();
    await client.connection.close();
  }
}

main().then((code) => process.exit(code), (err: unknown) => {
  process.stderr.write(`read-model failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
