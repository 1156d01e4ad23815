/**
 * Builds the demo bot's bundle (models/acme/) from bots/acme.yaml when it is missing or out of date,
 * with training progress shown. Used by `npm start` and `npm test`.
 */
import { execFileSync } from 'node:child_process';

export function ensureDemoBot(): void {
  execFileSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'train', 'bots/acme.yaml', '--out', 'models/acme', '--if-changed', '--seed', '1'], {
    stdio: 'inherit',
  });
}
