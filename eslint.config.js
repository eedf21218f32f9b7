// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * Imports a layer must never make: keeps the architecture honest. api <- k8s <- policy <- admission <- config <-
 * {server, cli}; kube (the Kubernetes API client pieces both server and cli use) sits beside config, below them.
 */
const nodeAndThirdParty = [
  {
    group: ['node:*', 'yaml', 'prom-client', 'pino', '@kubernetes/*', 'fast-check'],
    message: 'policy/admission code must run in a browser: no Node or third-party imports.',
  },
];

/** The CLI's modules that the playground (web/) bundles for the browser: they must not need Node. */
const BROWSER_SAFE_CLI = [
  'src/cli/adapters.ts',
  'src/cli/check-run.ts',
  'src/cli/explain-object.ts',
  'src/cli/fix-text.ts',
  'src/cli/input/document-stream.ts',
  'src/cli/judge.ts',
  'src/cli/kinds.ts',
  'src/cli/manifest-items.ts',
  'src/cli/model.ts',
  'src/cli/namespace-labels.ts',
  'src/cli/output/color.ts',
  'src/cli/output/reporter.ts',
  'src/cli/output/text.ts',
  'src/cli/remedies.ts',
  'src/cli/usage-error.ts',
];

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'conformance/oracle/**',
      'coverage/**',
      'testdata/**',
      '.tmp/**',
      '**/*.js',
      '**/*.cjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-unnecessary-condition': 'off',
      '@typescript-eslint/no-confusing-void-expression': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/prefer-for-of': 'off',
      'no-restricted-syntax': [
        'error',
        { selector: 'TSEnumDeclaration', message: 'Use an `as const` object and a derived union.' },
      ],
    },
  },
  {
    files: ['src/api/**/*.ts', 'src/k8s/**/*.ts', 'src/policy/**/*.ts', 'src/admission/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            ...nodeAndThirdParty,
            {
              group: ['**/config/**', '**/kube/**', '**/server/**', '**/cli/**'],
              message: 'Lower layers never import upper ones.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/kube/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/server/**', '**/cli/**'], message: 'kube is shared by server and cli: it imports neither.' },
          ],
        },
      ],
    },
  },
  {
    // The CLI's browser-safe core: the playground (web/) bundles these, so they must not need Node. (src/config is
    // bundled too; its one Node import, node:path in load.ts, is mapped to a POSIX shim by scripts/build-web.ts.)
    files: ['src/yaml-documents.ts', ...BROWSER_SAFE_CLI, 'web/src/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*'], message: 'the playground bundles this file for the browser: no Node imports.' },
            {
              group: [
                '**/server/**',
                '**/commands/**',
                '**/pipeline.ts',
                '**/input/documents.ts',
                '**/input/sources.ts',
                '**/args.ts',
              ],
              message: 'the playground bundles this file for the browser: import the browser-safe modules only.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/cli/**/*.ts'],
    ignores: BROWSER_SAFE_CLI,
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/server/**'], message: 'cli and server never import each other.' }] },
      ],
    },
  },
  {
    files: ['src/server/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/cli/**'], message: 'cli and server never import each other.' }] },
      ],
    },
  },
  {
    files: ['**/*.test.ts', 'scripts/**/*.ts', 'bench/**/*.ts', 'conformance/**/*.ts', 'test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-floating-promises': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
);
