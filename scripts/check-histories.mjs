#!/usr/bin/env node
// Recorded histories are append-only: a history that has landed stands for a case running in production,
// and editing or deleting it only deletes the evidence that a change breaks that case. From BASELINE on,
// every file under tests/replay/histories/ that any commit held must be at HEAD, and in the working tree,
// with the same bytes; index.json may gain entries, but no entry it held may change or disappear.
// Usage: node scripts/check-histories.mjs [--repo <dir>] [--baseline <rev>]
// Exit 0: append-only; 1: a landed history changed; 2: cannot check (shallow clone, no baseline, git fails).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// The last main before the rule was enforced (issue 17): earlier commits re-recorded histories
// (680a079, b0e9462); those rewrites are grandfathered, and the check starts from what this commit held.
// The one sanctioned removal, a patch's deprecation (README, "Versioning" step 2), moves it to the commit
// that deletes the old histories, in a follow-up commit pushed with it.
const BASELINE = '3f446b2';
const HISTORIES = 'tests/replay/histories';
const INDEX = 'index.json';
const WHY = 'A landed history stands for a case running in production: never edit or remove it. Keep the old '
  + 'commands for such cases with patched(), and record the new path as a new file (--tag <patch-id>); see tests/replay/README.md.';

function option(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

let repo = resolve(option('--repo', resolve(dirname(fileURLToPath(import.meta.url)), '..')));
const baseline = option('--baseline', BASELINE);

class CannotCheck extends Error {}

function git(args, input) {
  return execFileSync('git', args, {
    cwd: repo, input, encoding: 'utf8', timeout: 30_000, maxBuffer: 256 * 1024 * 1024, stdio: ['pipe', 'pipe', 'pipe'],
  });
}

function gitOk(args) {
  try {
    git(args);
    return true;
  } catch {
    return false;
  }
}

/** path (relative to the histories folder) → blob id, for a histories tree or, with a prefix, a commit. */
function blobsOf(treeish, prefix = '') {
  const out = new Map();
  const args = prefix ? ['ls-tree', '-r', '-z', treeish, '--', prefix] : ['ls-tree', '-r', '-z', treeish];
  for (const line of git(args).split('\0').filter(Boolean)) {
    const [meta, path] = line.split('\t');
    const [, type, oid] = meta.split(' ');
    if (type === 'blob') out.set(path.slice(prefix.length), oid);
  }
  return out;
}

/** The commits to check, oldest first: the baseline and every commit descending from it up to HEAD. */
function commitsToCheck() {
  repo = git(['rev-parse', '--show-toplevel']).trim(); // paths below are from the top of the work tree
  if (git(['rev-parse', '--is-shallow-repository']).trim() === 'true') {
    throw new CannotCheck(`${repo} is a shallow clone: the check reads every commit since ${baseline}. Clone fully (git fetch --unshallow).`);
  }
  if (!gitOk(['rev-parse', '--verify', '--quiet', `${baseline}^{commit}`])) {
    throw new CannotCheck(`the baseline commit ${baseline} is not in ${repo}: clone the full history (CI clones fully).`);
  }
  if (!gitOk(['merge-base', '--is-ancestor', baseline, 'HEAD'])) {
    throw new CannotCheck(`HEAD does not descend from the baseline commit ${baseline}.`);
  }
  const after = git(['rev-list', '--reverse', '--ancestry-path', `${baseline}..HEAD`]).split('\n').filter(Boolean);
  return [git(['rev-parse', `${baseline}^{commit}`]).trim(), ...after];
}

/** commit → the id of its histories tree (commits without the folder left out), in one git call. */
function historyTrees(commits) {
  const lines = git(['cat-file', '--batch-check'], commits.map((c) => `${c}:${HISTORIES}`).join('\n') + '\n').split('\n');
  return commits.flatMap((commit, i) => {
    const [oid, type] = (lines[i] ?? '').split(' ');
    return type === 'tree' ? [{ commit, tree: oid }] : [];
  });
}

/** The entries of an index.json text, or a problem with it. */
function indexEntries(text, where) {
  let parsed;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    return { problem: `${HISTORIES}/${INDEX} ${where} is not JSON: ${err.message}` };
  }
  const entries = parsed?.histories;
  if (entries === null || typeof entries !== 'object' || Array.isArray(entries)) {
    return { problem: `${HISTORIES}/${INDEX} ${where} has no "histories" object` };
  }
  return { entries };
}

/** Parsed JSON in one spelling (object keys sorted), so key order alone is no change. */
const canonical = (value) => JSON.stringify(value, (_key, v) => (
  v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, v[k]])) : v
));

function check() {
  const commits = commitsToCheck();
  const held = new Map(); // path → Map(blob → first commit holding it)
  const seenTrees = new Set();
  for (const { commit, tree } of historyTrees(commits)) {
    if (seenTrees.has(tree)) continue;
    seenTrees.add(tree);
    for (const [path, blob] of blobsOf(tree)) {
      const versions = held.get(path) ?? new Map();
      if (!versions.has(blob)) versions.set(blob, commit);
      held.set(path, versions);
    }
  }

  const atHead = blobsOf('HEAD', `${HISTORIES}/`);
  const histories = [...held.keys()].filter((p) => p !== INDEX).sort();
  const onDisk = histories.filter((p) => existsSync(join(repo, HISTORIES, p)));
  const diskBlobs = new Map();
  if (onDisk.length > 0) {
    const oids = git(['hash-object', '--stdin-paths'], onDisk.map((p) => `${HISTORIES}/${p}`).join('\n') + '\n').split('\n');
    onDisk.forEach((p, i) => diskBlobs.set(p, oids[i]));
  }

  const problems = [];
  const labels = new Map();
  const label = (commit) => {
    if (!labels.has(commit)) labels.set(commit, git(['log', '-1', '--format=%h (%s)', commit]).trim());
    return labels.get(commit);
  };
  for (const path of histories) {
    for (const [blob, commit] of held.get(path)) {
      const where = () => `${HISTORIES}/${path}, as held by ${label(commit)}`;
      if (!atHead.has(path)) problems.push(`removed at HEAD: ${where()}`);
      else if (atHead.get(path) !== blob) problems.push(`changed at HEAD: ${where()}`);
      if (diskBlobs.get(path) === atHead.get(path)) continue; // the working tree is HEAD's: said above
      if (!diskBlobs.has(path)) problems.push(`missing from the working tree: ${where()}`);
      else if (diskBlobs.get(path) !== blob) problems.push(`changed in the working tree: ${where()}`);
    }
  }
  problems.push(...indexProblems(held.get(INDEX), atHead.get(INDEX), join(repo, HISTORIES, INDEX), label));
  return { problems, commits: commits.length, files: histories.length };
}

/** Every entry any checked commit's index held must be in HEAD's and the working tree's index, unchanged. */
function indexProblems(versions, headBlob, diskPath, label) {
  if (!versions) return [];
  const problems = [];
  const held = new Map(); // entry key → [{ json, commit }]
  for (const [blob, commit] of versions) {
    const { entries, problem } = indexEntries(git(['cat-file', 'blob', blob]), `in ${commit}`);
    if (problem) continue; // an unreadable old index holds no entry to keep
    for (const [key, entry] of Object.entries(entries)) {
      const list = held.get(key) ?? [];
      const json = canonical(entry);
      if (!list.some((x) => x.json === json)) list.push({ json, commit });
      held.set(key, list);
    }
  }
  const headText = headBlob ? git(['cat-file', 'blob', headBlob]) : null;
  const diskText = existsSync(diskPath) ? readFileSync(diskPath, 'utf8') : null;
  // The working tree's index is checked only where it differs from HEAD's, so a change is reported once.
  const current = diskText === headText ? [['at HEAD', headText]] : [['at HEAD', headText], ['in the working tree', diskText]];
  for (const [where, text] of current) {
    if (text === null) {
      problems.push(`removed ${where}: ${HISTORIES}/${INDEX}`);
      continue;
    }
    const { entries, problem } = indexEntries(text, where);
    if (problem) {
      problems.push(problem);
      continue;
    }
    for (const [key, list] of [...held].sort(([a], [b]) => a.localeCompare(b))) {
      for (const { json, commit } of list) {
        const what = () => `${HISTORIES}/${INDEX} entry "${key}", as held by ${label(commit)}`;
        if (!Object.hasOwn(entries, key)) problems.push(`removed ${where}: ${what()}`);
        else if (canonical(entries[key]) !== json) problems.push(`changed ${where}: ${what()}`);
      }
    }
  }
  return problems;
}

try {
  const { problems, commits, files } = check();
  if (problems.length > 0) {
    process.stderr.write(`check-histories: recorded histories changed since ${baseline}:\n${problems.map((p) => `  ${p}\n`).join('')}${WHY}\n`);
    process.exit(1);
  }
  process.stdout.write(`check-histories: ${files} recorded histories and the index entries held since ${baseline} (${commits} commits) are unchanged\n`);
} catch (err) {
  const message = err instanceof CannotCheck ? err.message : `git failed: ${err.stderr?.toString().trim() || err.message}`;
  process.stderr.write(`check-histories: cannot check: ${message}\n`);
  process.exit(2);
}
