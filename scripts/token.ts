// Prints a staff JWT (signed with JWT_SECRET; its lifetime bounded by JWT_MAX_AGE_SECONDS) and nothing else:
//   npm run --silent token -- --role clerk --hospital H0001
//   npm run --silent token -- --role officer --agency publicSecurity
import { parseArgs } from 'node:util';
import { lifetimeSeconds, signStaffToken, staffAuth, StaffClaims } from '../api/auth';
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
  // A token signed with the development secret is accepted only by a stack that allows it, so the tool
  // defaults to the development stack; with JWT_SECRET set it signs with that.
  const { secret, policy } = staffAuth(loadConfig({ ALLOW_DEV_SECRETS: 'true', ...process.env }));
  const seconds = lifetimeSeconds(values.ttl ?? '');
  if (seconds === null || seconds > policy.maxAgeSeconds) {
    // No token without an end: a lifetime must be given in bounds (JWT_MAX_AGE_SECONDS).
    process.stderr.write(`token: --ttl must be a lifetime such as 30m or 12h, at most ${policy.maxAgeSeconds} s\n`);
    process.exit(2);
  }
  process.stdout.write(`${await signStaffToken(claims.data, secret, seconds, policy)}\n`);
}

void main();
