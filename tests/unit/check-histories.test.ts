// scripts/check-histories.mjs keeps recorded histories append-only: each test builds a throwaway repository
// whose baseline holds one history and an index, changes it, and runs the script against it.
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const script = resolve(__dirname, '../../scripts/check-histories.mjs');
const HISTORIES = 'tests/replay/histories';

const entry = (file: string, workflowId: string) => ({ file, description: `when ${file}`, workflowId, events: 12, uncommittedWorkflowCode: [] });

interface Repo { dir: string; baseline: string }
const repos: string[] = [];
afterAll(() => repos.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function git(dir: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd: dir, encoding: 'utf8', timeout: 10_000 });
}

function write(dir: string, file: string, content: unknown): void {
  writeFileSync(join(dir, HISTORIES, file), typeof content === 'string' ? content : `${JSON.stringify(content, null, 2)}\n`);
}

function commit(dir: string, message: string): void {
  git(dir, 'add', '-A', HISTORIES);
  git(dir, 'commit', '--quiet', '--allow-empty', '-m', message);
}

/** A repository whose baseline commit holds `happy-path.json` and an index with its entry. */
function baselineRepo(): Repo {
  const dir = mkdtempSync(join(tmpdir(), 'check-histories-'));
  repos.push(dir);
  git(dir, 'init', '--quiet');
  mkdirSync(join(dir, HISTORIES), { recursive: true });
  write(dir, 'happy-path.json', { events: [{ eventId: '1' }] });
  write(dir, 'index.json', { histories: { 'happy-path': entry('happy-path.json', 'birth-case-A') } });
  commit(dir, 'baseline');
  return { dir, baseline: git(dir, 'rev-parse', 'HEAD').trim() };
}

function check({ dir, baseline }: Repo): { status: number | null; output: string } {
  const r = spawnSync(process.execPath, [script, '--repo', dir, '--baseline', baseline], { encoding: 'utf8', timeout: 20_000 });
  return { status: r.status, output: r.stdout + r.stderr };
}

test('when nothing changed since the baseline, then the check passes', () => {
  const repo = baselineRepo();
  git(repo.dir, 'commit', '--quiet', '--allow-empty', '-m', 'unrelated work');

  expect(check(repo)).toMatchObject({ status: 0 });
});

test('when a landed history is edited and committed, then the check fails naming the file and the commit that held it', () => {
  const repo = baselineRepo();
  write(repo.dir, 'happy-path.json', { events: [{ eventId: '1' }, { eventId: '2' }] });
  commit(repo.dir, 're-record happy path');

  const { status, output } = check(repo);

  expect(status).toBe(1);
  expect(output).toContain(`changed at HEAD: ${HISTORIES}/happy-path.json, as held by ${repo.baseline.slice(0, 7)}`);
  expect(output).toContain('patched()');
});

test('when a landed history is edited in the working tree only, then the check fails naming it', () => {
  const repo = baselineRepo();
  appendFileSync(join(repo.dir, HISTORIES, 'happy-path.json'), ' ');

  const { status, output } = check(repo);

  expect(status).toBe(1);
  expect(output).toContain(`changed in the working tree: ${HISTORIES}/happy-path.json`);
});

test('when a landed history is removed, then the check fails naming it', () => {
  const repo = baselineRepo();
  git(repo.dir, 'rm', '--quiet', `${HISTORIES}/happy-path.json`);
  commit(repo.dir, 'drop happy path');

  const { status, output } = check(repo);

  expect(status).toBe(1);
  expect(output).toContain(`removed at HEAD: ${HISTORIES}/happy-path.json`);
});

test('when a history recorded after the baseline is edited later, then the check fails naming the commit that recorded it', () => {
  const repo = baselineRepo();
  write(repo.dir, 'refused.json', { events: [{ eventId: '1' }] });
  commit(repo.dir, 'record refused');
  const recorded = git(repo.dir, 'rev-parse', '--short=7', 'HEAD').trim();
  write(repo.dir, 'refused.json', { events: [] });
  commit(repo.dir, 're-record refused');

  const { status, output } = check(repo);

  expect(status).toBe(1);
  expect(output).toContain(`changed at HEAD: ${HISTORIES}/refused.json, as held by ${recorded} (record refused)`);
});

test('when a new history and its index entry are added, then the check passes', () => {
  const repo = baselineRepo();
  write(repo.dir, 'refused.json', { events: [{ eventId: '1' }] });
  write(repo.dir, 'index.json', { histories: { 'happy-path': entry('happy-path.json', 'birth-case-A'), refused: entry('refused.json', 'birth-case-B') } });
  commit(repo.dir, 'record refused');

  expect(check(repo)).toMatchObject({ status: 0 });
});

test('when an index entry changes, then the check fails naming the entry', () => {
  const repo = baselineRepo();
  write(repo.dir, 'index.json', { histories: { 'happy-path': entry('happy-path.json', 'birth-case-OTHER') } });
  commit(repo.dir, 'new workflow id');

  const { status, output } = check(repo);

  expect(status).toBe(1);
  expect(output).toContain(`changed at HEAD: ${HISTORIES}/index.json entry "happy-path"`);
});

test('when an index entry disappears, then the check fails naming the entry', () => {
  const repo = baselineRepo();
  write(repo.dir, 'index.json', { histories: {} });

  const { status, output } = check(repo);

  expect(status).toBe(1);
  expect(output).toContain(`removed in the working tree: ${HISTORIES}/index.json entry "happy-path"`);
});

test('when the index is only rewritten in another key order, then the check passes (entries are compared parsed)', () => {
  const repo = baselineRepo();
  const { file, description, workflowId, events, uncommittedWorkflowCode } = entry('happy-path.json', 'birth-case-A');
  write(repo.dir, 'index.json', { histories: { 'happy-path': { workflowId, uncommittedWorkflowCode, events, description, file } } });
  commit(repo.dir, 'reorder');

  expect(check(repo)).toMatchObject({ status: 0 });
});

test('when the baseline is not in the clone, then the check cannot run and says so', () => {
  const repo = baselineRepo();

  const { status, output } = check({ ...repo, baseline: '0123456789abcdef0123456789abcdef01234567' });

  expect(status).toBe(2);
  expect(output).toContain('the baseline commit 0123456789abcdef0123456789abcdef01234567 is not in');
});

test('when the clone is shallow, then the check cannot run and says so', () => {
  const repo = baselineRepo();
  commit(repo.dir, 'later');
  const shallow = mkdtempSync(join(tmpdir(), 'check-histories-shallow-'));
  repos.push(shallow);
  execFileSync('git', ['clone', '--quiet', '--depth', '1', `file://${repo.dir}`, shallow], { timeout: 10_000 });

  const { status, output } = check({ dir: shallow, baseline: repo.baseline });

  expect(status).toBe(2);
  expect(output).toContain('shallow clone');
});
