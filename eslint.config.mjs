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
  {
    files: ['workflows/**/*.ts', 'common/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: WORKFLOW_BANNED.flatMap((name) => [
            { name, message: 'workflow code must be deterministic: no I/O modules' },
            { name: `node:${name}`, message: 'workflow code must be deterministic: no Node builtins' },
          ]),
          patterns: [
            {
              group: ['**/activities/*', '!**/activities/index'],
              message: 'import activities as types only (import type)',
              allowTypeImports: true,
            },
            {
              group: ['**/worker/*', '**/client/*', '**/emulator/*'],
              message: 'workflow code must not import I/O code',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['activities/**/*.ts', 'workflows/**/*.ts'],
    rules: { 'no-console': 'error' },
  },
);
