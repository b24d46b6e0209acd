// The repository stands on its own: the README's example is a valid application, and nothing a person
// who clones the project reads or runs points outside it.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CaseCreateRequest, caseCreateRequestSchema } from '../../domain/case.schemas';
import { toShanghaiIso } from '../../domain/dates';

const root = resolve(__dirname, '../..');

test('when the example case is sent, then it is a valid application (its ID numbers pass the check character)', () => {
  const body = JSON.parse(readFileSync(join(root, 'examples/case.json'), 'utf8'));
  expect(CaseCreateRequest.safeParse(body).success).toBe(true);
  // Dated a minute ago, as `npm run example-case` prints it, it also passes the rules that read the clock.
  const at = toShanghaiIso(Date.now() - 60_000).replace(/\.\d{3}/, '');
  const now = { ...body, newborn: { ...body.newborn, birthAt: at }, consent: { ...body.consent, signedAt: at } };
  expect(caseCreateRequestSchema({ now: toShanghaiIso(Date.now()) }).safeParse(now).success).toBe(true);
});

test('when the tracked files are read, then none refers to the developers\' shared folder outside the repository', () => {
  const files = execFileSync('git', ['ls-files'], { cwd: root, encoding: 'utf8' }).split('\n')
    // Recorded histories are data (their stack traces name the recording machine's paths), not docs or code.
    .filter((f) => /\.(md|ts|mts|vue|mjs|json|html)$/.test(f) && f !== 'package-lock.json' && !f.startsWith('tests/replay/histories/'));
  const offenders = files.filter((f) => {
    const text = readFileSync(join(root, f), 'utf8');
    return /shared\/(policy|design|README\.md|STYLE\.md)|\/work\//.test(text);
  });
  expect(offenders).toEqual([]);
});
