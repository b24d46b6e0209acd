// Prints a dev JWT for the embedded stack and nothing else:
//   npm run --silent token -- --role clerk --hospital H0001
//   npm run --silent token -- --role officer --agency publicSecurity
import { parseArgs } from 'node:util';
import { signStaffToken, StaffClaims } from '../api/auth';
import { loadConfig } from '../infra/config';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { role: { type: 'string' }, hospital: { type: 'string' }, agency: { type: 'string' }, sub: { type: 'string' }, ttl: { type: 'string', default: '12h' } },
  });
  const role = values.role ?? 'clerk';
  const claims = StaffClaims.safeParse({
    role,
    sub: values.sub ?? `dev-${role}`,
    ...(values.hospital ? { hospitalId: values.hospital } : {}),
    ...(values.agency ? { agency: values.agency } : {}),
  });
  if (!claims.success) {
    process.stderr.write('usage: token --role clerk --hospital H0001 | --role officer --agency publicSecurity | --role admin\n');
    process.exit(2);
  }
  process.stdout.write(`${await signStaffToken(claims.data, loadConfig().JWT_SECRET, values.ttl)}\n`);
}

void main();
