// Every fact once: the service keys and the case statuses are listed in domain/catalog.ts and nowhere else.
// A file that spells out the whole list again (a copy that can drift) fails here, naming the file.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { CASE_ACTIONS } from '../../domain/case-log';
import { actionLabel } from '../../web/src/shared/labels';
import { CASE_STATUS_KEYS, EARLIER_BUNDLE, LATER_SERVICES, SERVICE_KEYS, SERVICES, CASE_STATUSES, COMPENSATION_ORDER, isCaseClosed, isServiceKey, perService } from '../../domain/catalog';

/**
 * Frozen code keeps its own literal list (its order is the order of the entries it recorded); the metrics
 * script names the keys it looks for.
 */
const EXEMPT = new Set(['domain/catalog.ts', 'workflows/legacy-v1.ts', 'workflows/legacy-v1.support.ts', 'scripts/code-metrics.mjs']);

function sourceFiles(): string[] {
  const out = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '*.ts', '*.vue', '*.mjs'], { encoding: 'utf8', timeout: 10_000 });
  return out.split('\n').filter((f) => f && !f.startsWith('tests/') && !EXEMPT.has(f));
}

/** The files with one statement (or object literal) that names every one of `names` as a quoted key or value. */
function filesListingAll(names: readonly string[]): string[] {
  return sourceFiles().filter((file) => {
    const text = readFileSync(file, 'utf8');
    return text.split(/;\s*\n|\n\s*\n/).some((chunk) => names.every((n) => new RegExp(`(['"])${n}\\1|\\b${n}\\s*:`).test(chunk)));
  });
}

test('when the sources are read, then no file but the catalog lists every service key', () => {
  expect(filesListingAll(SERVICE_KEYS)).toEqual([]);
});

test('when the sources are read, then no file but the catalog lists every case status', () => {
  expect(filesListingAll(CASE_STATUS_KEYS)).toEqual([]);
});

test('when a copy of the list is written, then the check finds it (the check can fail)', () => {
  const copy = `const ORDER = [${SERVICE_KEYS.map((k) => `'${k}'`).join(', ')}];`;
  expect(SERVICE_KEYS.every((n) => new RegExp(`(['"])${n}\\1`).test(copy))).toBe(true);
});

test('when the catalog is read, then its tables agree: order, prerequisites, compensation, the closed set', () => {
  expect(SERVICE_KEYS).toEqual(['familyRegistration', 'birthCertificate', 'vaccination', 'household', 'medicalInsurance', 'socialSecurityCard']);
  // Issue 18: the 生育登记 came after cases were running; a case accepted before keeps the five.
  expect(LATER_SERVICES).toEqual(['familyRegistration']);
  expect(EARLIER_BUNDLE).toEqual(['birthCertificate', 'vaccination', 'household', 'medicalInsurance', 'socialSecurityCard']);
  expect(SERVICES.familyRegistration).toMatchObject({ label: '生育登记', agency: 'healthCommission', prerequisite: null });
  expect(SERVICES.familyRegistration.inputFields).toContain('newborn.birthOrder');
  for (const key of SERVICE_KEYS) {
    const needs = SERVICES[key].prerequisite;
    if (needs) expect(SERVICE_KEYS.indexOf(needs)).toBeLessThan(SERVICE_KEYS.indexOf(key));
  }
  expect(COMPENSATION_ORDER).toEqual([...SERVICE_KEYS].reverse());
  expect(CASE_STATUS_KEYS.filter(isCaseClosed)).toEqual(['completed', 'partially_completed', 'cancelled']);
  expect(Object.keys(CASE_STATUSES)).not.toContain('rejected');
  expect(isServiceKey('__proto__')).toBe(false);
  expect(perService((k) => k.length)).toEqual({ familyRegistration: 18, birthCertificate: 16, vaccination: 11, household: 9, medicalInsurance: 16, socialSecurityCard: 18 });
});

test('when the audit timeline names an entry, then every action of the case log has its own label', () => {
  const labels = CASE_ACTIONS.map((a) => actionLabel(a));
  expect(labels.filter((l) => l === '办件记录')).toEqual([]);
  expect(actionLabel('case.escalated')).toBe('上报督办');
});
