// Prints an access token for the API and nothing else, issued by the development identity provider that
// `npm start` runs (the dev-user grant: the same provider-signed token the browser sign-in gives):
//   npm run --silent token -- --role clerk --hospital H0001
//   npm run --silent token -- --role officer --agency publicSecurity
//   npm run --silent token -- --role admin            (--role hallClerk --hall JN-HALL-01; --user clerk.H0002)
// The provider is found at OIDC_ISSUER (default http://127.0.0.1:<OIDC_PORT, 4200>). A provider outside
// the development stack offers no such grant: the tool then says so and prints nothing.
import { parseArgs } from 'node:util';
import { fetchDevToken } from '../infra/oidc/dev-token';
import { devUserId, STAFF_ROLES } from '../infra/oidc/dev-users';
import type { StaffRoleClaim } from '../infra/oidc/dev-users';

const USAGE = 'usage: token --role clerk --hospital H0001 | --role officer --agency publicSecurity | --role admin | --role hallClerk --hall JN-HALL-01 | --user <id>\n';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { role: { type: 'string' }, hospital: { type: 'string' }, agency: { type: 'string' }, hall: { type: 'string' }, user: { type: 'string' } },
  });
  const role = values.role ?? 'clerk';
  const username =
    values.user ??
    ((STAFF_ROLES as readonly string[]).includes(role)
      ? devUserId({ role: role as StaffRoleClaim, hospitalId: values.hospital, agency: values.agency, hallId: values.hall })
      : null);
  if (!username) {
    process.stderr.write(USAGE);
    process.exit(2);
  }
  const token = await fetchDevToken({
    issuer: process.env.OIDC_ISSUER ?? `http://${process.env.OIDC_HOST ?? '127.0.0.1'}:${process.env.OIDC_PORT ?? '4200'}`,
    username,
    password: process.env.OIDC_DEV_PASSWORD,
    clientId: process.env.OIDC_DEV_TOKEN_CLIENT_ID,
    clientSecret: process.env.OIDC_DEV_TOKEN_CLIENT_SECRET,
  });
  process.stdout.write(`${token.accessToken}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`token: ${(err as Error).message}\n`);
  process.exit(1);
});
