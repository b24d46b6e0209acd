#!/usr/bin/env node
// The code's shape, measured (issue 17's counts): the longest functions per folder, the `as` casts outside
// `as const`, and the places that spell out the whole list of service keys or case statuses.
// Usage: node scripts/code-metrics.mjs [--top N]
import ts from 'typescript';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const top = Number(process.argv[process.argv.indexOf('--top') + 1]) || 3;
const files = execFileSync('git', ['ls-files', '*.ts', '*.vue'], { encoding: 'utf8', timeout: 10_000 }).split('\n').filter(Boolean);
const backend = ['workflows', 'domain', 'api', 'activities', 'infra', 'workers', 'mock-agencies'];
const folderOf = (f) => f.split('/')[0];

/** The script part of a .vue file, or the file. */
const sourceOf = (f) => {
  const text = readFileSync(f, 'utf8');
  if (!f.endsWith('.vue')) return text;
  const m = /<script[^>]*>([\s\S]*?)<\/script>/.exec(text);
  return m ? m[1] : '';
};

const functions = [];
const casts = {};
for (const f of files.filter((f) => f.endsWith('.ts') || f.endsWith('.vue'))) {
  const src = ts.createSourceFile(f, sourceOf(f), ts.ScriptTarget.Latest, true);
  const visit = (n) => {
    if (ts.isFunctionDeclaration(n) || ts.isMethodDeclaration(n) || ts.isArrowFunction(n) || ts.isFunctionExpression(n)) {
      const first = src.getLineAndCharacterOfPosition(n.getStart()).line;
      const last = src.getLineAndCharacterOfPosition(n.end).line;
      const name = n.name?.getText() ?? (ts.isVariableDeclaration(n.parent) ? n.parent.name.getText() : '(anonymous)');
      functions.push({ folder: folderOf(f), lines: last - first + 1, where: `${f}:${first + 1} ${name}` });
    }
    if (ts.isAsExpression(n) && n.type.getText() !== 'const') casts[folderOf(f)] = (casts[folderOf(f)] ?? 0) + 1;
    ts.forEachChild(n, visit);
  };
  visit(src);
}

console.log('longest functions:');
for (const folder of ['workflows', 'domain', 'api', 'activities', 'infra', 'mock-agencies', 'web']) {
  const mine = functions.filter((x) => x.folder === folder).sort((a, b) => b.lines - a.lines).slice(0, top);
  console.log(`  ${folder}: ${mine.map((x) => `${x.lines} (${x.where})`).join(', ')}`);
}
console.log(`'as' casts outside 'as const': ${backend.map((d) => `${d} ${casts[d] ?? 0}`).join(', ')}; backend total ${backend.reduce((n, d) => n + (casts[d] ?? 0), 0)}; tests ${casts['tests'] ?? 0}; web ${casts['web'] ?? 0}`);

// Quoted keys only: a list of every service key (or case status) in one statement is a retyped list.
const lists = (names) => files.filter((f) => !f.startsWith('tests/')).flatMap((f) => {
  const text = readFileSync(f, 'utf8');
  const statements = text.split(/;\s*\n|\n\s*\n/);
  return statements.filter((s) => names.every((k) => new RegExp(`['"]?\\b${k}\\b['"]?\\s*[:,\\]]`).test(s))).map(() => f);
});
console.log('places listing every service key:', [...new Set(lists(['birthCertificate', 'vaccination', 'household', 'medicalInsurance', 'socialSecurityCard']))].join(', '));
console.log('places listing every case status:', [...new Set(lists(['accepted', 'in_progress', 'action_required', 'partially_completed', 'cancelled']))].join(', '));
