// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Imports a layer must never make: keeps the architecture (api <- k8s <- policy <- admission <- config <- {server, cli}) honest. */
const nodeAndThirdParty = [
  {
    group: ['node:*', 'yaml', 'prom-client', 'pino', '@kubernetes/*', 'fast-check'],
    message: 'policy/admission code must run in a browser: no Node or third-party imports.',
  },
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
            { group: ['**/config/**', '**/server/**', '**/cli/**'], message: 'Lower layers never import upper ones.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/cli/**/*.ts'],
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
