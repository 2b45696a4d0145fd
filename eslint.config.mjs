// @ts-check
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Modules that do I/O or read config: banned from deterministic workflow code. */
const WORKFLOW_BANNED = [
  'axios',
  'zod',
  'pg',
  'better-sqlite3',
  'kysely',
  'fastify',
  'yaml',
  'commander',
  'cli-progress',
  '@temporalio/client',
  '@temporalio/worker',
  '@temporalio/activity',
  '@temporalio/testing',
  '@temporalio/envconfig',
  'fs',
  'http',
  'https',
  'net',
  'child_process',
  'os',
  'path',
  'crypto',
  'dns',
  'worker_threads',
];

/**
 * Arrows point one way: entry points (worker/, client/, scripts/) → the shared operations
 * layer (ops/) → activities/ and workflows/ → common/; schemas/ (zod schemas whose types
 * common/ derives) sits below them all and imports nothing of the project. Each folder lists
 * the folders it must not import; `typeOnly` ones may be imported with `import type` (types
 * derived from schemas). Tests and benchmarks are harnesses: they may import anything.
 */
const LAYERS = {
  schemas: {
    banned: ['common', 'workflows', 'activities', 'ops', 'worker', 'client', 'scripts', 'emulator'],
    typeOnly: [],
  },
  common: {
    banned: ['workflows', 'activities', 'ops', 'worker', 'client', 'scripts', 'emulator', 'schemas'],
    typeOnly: ['activities', 'ops', 'schemas'],
  },
  workflows: {
    banned: ['activities', 'ops', 'worker', 'client', 'scripts', 'emulator', 'schemas'],
    typeOnly: ['activities', 'schemas'],
  },
  activities: { banned: ['workflows', 'ops', 'worker', 'client', 'scripts', 'emulator'], typeOnly: [] },
  ops: { banned: ['worker', 'client', 'scripts', 'emulator'], typeOnly: [] },
  worker: { banned: ['client', 'scripts', 'emulator'], typeOnly: [] },
  client: { banned: ['worker', 'scripts', 'emulator'], typeOnly: [] },
  scripts: { banned: ['client'], typeOnly: [] },
  emulator: {
    banned: ['workflows', 'activities', 'ops', 'worker', 'client', 'scripts', 'schemas'],
    typeOnly: [],
  },
};

/** Deterministic workflow code (and the common types it imports) uses no I/O module. */
const DETERMINISTIC = ['workflows', 'common'];

function layerRules() {
  return Object.entries(LAYERS).map(([folder, { banned, typeOnly }]) => ({
    files: [`${folder}/**/*.ts`],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: DETERMINISTIC.includes(folder)
            ? WORKFLOW_BANNED.flatMap((name) => [
                { name, message: 'workflow code must be deterministic: no I/O modules' },
                { name: `node:${name}`, message: 'workflow code must be deterministic: no Node builtins' },
              ])
            : [],
          patterns: banned.map((target) => ({
            regex: `^(\\.\\./)+${target}(/|$)`,
            message: typeOnly.includes(target)
              ? `${folder}/ imports ${target}/ as types only (import type)`
              : `${folder}/ must not depend on ${target}/ (see the layers in eslint.config.mjs)`,
            allowTypeImports: typeOnly.includes(target),
          })),
        },
      ],
    },
  }));
}

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.tools/**', '.data/**', 'eslint.config.mjs', 'scripts/*.mjs'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            {
              from: 'package',
              package: 'node:test',
              name: ['describe', 'it', 'test', 'suite', 'before', 'after'],
            },
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  ...layerRules(),
  {
    files: ['activities/**/*.ts', 'workflows/**/*.ts'],
    rules: { 'no-console': 'error' },
  },
);
