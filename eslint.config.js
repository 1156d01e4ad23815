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
    // Code in the host page's main thread shares the page's built-ins (e2e/hostile-page.spec.ts):
    // a page's Object.prototype and Array.prototype methods show up in for...in, and a page may have
    // replaced String.prototype.trim. Read data with src/check.ts and trim with src/text.ts.
    files: ['src/{ui,embed,conversation,store,fulfillment,i18n,dialogue}/**/*.{ts,tsx}', 'src/*.ts', 'src/bot/menu-bot.ts', 'src/bot/dialogue-bundle.ts'],
    ignores: ['src/**/*.test.{ts,tsx}', 'src/dialogue/stories.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: 'ForInStatement', message: "for...in also visits the methods a host page added to Object.prototype: use Object.keys / Object.entries." },
        { selector: 'CallExpression[callee.property.name=/^trim(Start|End|Left|Right)?$/]', message: 'A host page may have replaced String.prototype.trim: use trimText / isBlank from src/text.ts.' },
        { selector: "ImportDeclaration[source.value='valibot'][importKind!='type']", message: "valibot's for...in takes a host page's Object.prototype methods for fields: read untrusted data with src/check.ts." },
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
