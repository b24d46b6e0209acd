// Lint rules that matter here: workflow code must stay deterministic (no Node built-ins, no I/O, no
// clocks or randomness outside the SDK), and no promise may float anywhere.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

/** What no workflow code may import (the determinism boundary). */
const workflowImportPaths = [
  ...nodeBuiltins.map((name) => ({ name, message: 'Node built-ins are not allowed in workflow code.' })),
  { name: '@temporalio/client', message: 'Workflow code must not use the client.' },
  { name: '@temporalio/worker', message: 'Workflow code must not use the worker.' },
  { name: '@temporalio/activity', message: 'Workflow code must not use the activity context.' },
  { name: 'pino', message: 'Use the workflow logger (log from @temporalio/workflow).' },
  { name: 'express', message: 'No I/O in workflow code.' },
  { name: 'better-sqlite3', message: 'No I/O in workflow code.' },
];
const workflowImportPatterns = [
  { regex: '^\\.\\./activities(/(?!agency-options$|agency\\.types$).*)?$',
    allowTypeImports: true,
    message: 'Import activities as types only (import type); agency-options and agency.types are the pure exceptions.' },
  { group: ['../api/*', '../workers/*', '../mock-agencies/*'], message: 'No I/O modules in workflow code.' },
];

export default tseslint.config(
  { ignores: ['web/**', 'test-artifacts/**', 'node_modules/**', '.cache/**', '.data/**', 'dist/**', 'coverage/**', '**/*.js', '**/*.mjs', '**/*.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // The determinism boundary: workflows/ and the pure domain/ modules it imports.
    files: ['workflows/**/*.ts', 'domain/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: workflowImportPaths, patterns: workflowImportPatterns }],
      'no-restricted-globals': ['error',
        { name: 'setTimeout', message: 'Use sleep() from @temporalio/workflow.' },
        { name: 'setInterval', message: 'Use sleep() from @temporalio/workflow.' },
        { name: 'process', message: 'No process access in workflow code.' },
        { name: 'fetch', message: 'No I/O in workflow code: use an activity.' },
        { name: 'require', message: 'No dynamic requires in workflow code.' },
      ],
      'no-restricted-properties': ['error',
        { object: 'Math', property: 'random', message: 'Randomness breaks replay; use uuid4() from @temporalio/workflow.' },
      ],
    },
  },
  {
    // Workflow code, the domain and the API read as small functions (issue 17: no closure of 600 lines again).
    files: ['workflows/**/*.ts', 'domain/**/*.ts', 'api/**/*.ts'],
    rules: { 'max-lines-per-function': ['error', { max: 80, skipBlankLines: true, skipComments: true }] },
  },
  {
    // Frozen code stands alone: the legacy workflow imports nothing that still changes (only the contract
    // the live workflow shares with it, and its own frozen support module).
    files: ['workflows/legacy-v1.ts', 'workflows/legacy-v1.support.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: workflowImportPaths,
        patterns: [...workflowImportPatterns, {
          regex: '^\\./(?!birth-case\\.contract$|legacy-v1\\.support$)',
          message: 'Frozen legacy code imports no live workflow code (only ./birth-case.contract and ./legacy-v1.support).',
        }],
      }],
    },
  },
  {
    // Pure domain modules run in workflows, the API and tests alike: time is always a parameter.
    files: ['domain/**/*.ts'],
    rules: {
      'no-restricted-properties': ['error',
        { object: 'Date', property: 'now', message: 'Pass the time in: domain modules take no clock.' },
        { object: 'Math', property: 'random', message: 'Domain modules are deterministic.' },
      ],
    },
  },
  {
    // Tests read JSON bodies of any shape.
    files: ['tests/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
