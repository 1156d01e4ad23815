/**
 * Shared Vite settings. The four artefacts (loader, widget chunk, npm library, CLI) are built one
 * after another by scripts/build.ts, each from this base; Vitest reads the `test` part.
 */
import { defineConfig } from 'vitest/config';
import pkg from './package.json' with { type: 'json' };

export default defineConfig({
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  define: { __PARLEY_VERSION__: JSON.stringify(pkg.version) },
  test: {
    include: ['src/**/*.test.{ts,tsx}', 'scripts/**/*.test.ts', 'examples/**/*.test.ts'],
    environment: 'node',
  },
});
