// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'e2e/spa/dist/', 'e2e/featurize/dist/', 'e2e/pages/bots/', 'bench/results.json', 'test-results/', 'playwright-report/', 'node_modules/'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/consistent-type-imports': 'error',
      // `const { dropped, ...kept } = value` is how a field is left out of a copy.
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true }],
    },
  },
  {
    // Browser code never reaches Node-only code or Node built-ins (DESIGN.md, rules of the house).
    files: ['src/**/*.{ts,tsx}'],
    ignores: ['src/cli/**', 'src/train/**', 'src/server/**', 'src/**/*.test.{ts,tsx}', 'src/test/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/cli/**', '**/train/**', '**/server/**'], message: 'cli/, train/ and server/ are Node only and must not reach a browser bundle.' },
            { group: ['node:*'], message: 'Browser code cannot use Node built-ins.' },
          ],
        },
      ],
    },
  },
  {
    // The dialogue engine is pure: no DOM, fetch or worker.
    files: ['src/dialogue/**/*.ts'],
    ignores: ['src/dialogue/**/*.test.ts'],
    rules: {
      'no-restricted-globals': ['error', 'window', 'document', 'fetch', 'Worker', 'indexedDB', 'localStorage', 'navigator'],
    },
  },
);
