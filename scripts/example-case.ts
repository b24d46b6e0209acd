// Prints examples/case.json with the birth and the consent moved to a minute ago (Asia/Shanghai), so
// the example always passes the age rule and never repeats an earlier case:
//   npm run --silent example-case > case.json
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CaseCreateRequest } from '../domain/case.schemas';
import { toShanghaiIso } from '../domain/dates';

const body = JSON.parse(readFileSync(join(__dirname, '../examples/case.json'), 'utf8')) as CaseCreateRequest;
const at = toShanghaiIso(Date.now() - 60_000).replace(/\.\d{3}/, '');
body.newborn.birthAt = at;
body.consent.signedAt = at;
CaseCreateRequest.parse(body); // the example stays a valid application
process.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
