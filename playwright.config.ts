import { defineConfig, devices } from '@playwright/test';
import { chromiumArgs, findChromium } from './scripts/browser';

const port = Number(process.env.PARLEY_E2E_PORT ?? 4318);

export default defineConfig({
  testDir: 'e2e',
  globalSetup: './e2e/global-setup.ts',
  fullyParallel: true,
  workers: process.env.CI ? 2 : undefined,
  retries: 0,
  forbidOnly: Boolean(process.env.CI),
  reporter: [['list']],
  // A shared, noisy machine: assertions get room. Loading the language model is not an assertion's
  // wait: helpers.ts waits for the readiness signals (lightReady, modelReady) within the test's limit.
  expect: { timeout: 10_000 },
  // The test's own limit: room for loading on a loaded machine, and for the waits after it.
  timeout: 90_000,
  use: {
    baseURL: `http://localhost:${port}/`,
    trace: 'retain-on-failure',
  },
  projects: [
    {
      name: 'chromium',
      use: {
        ...devices['Desktop Chrome'],
        launchOptions: { executablePath: findChromium(), args: chromiumArgs },
      },
    },
  ],
  webServer: {
    command: `npx tsx e2e/serve.ts ${port}`,
    url: `http://localhost:${port}/e2e/plain.html`,
    reuseExistingServer: !process.env.CI,
    stdout: 'pipe',
  },
});
