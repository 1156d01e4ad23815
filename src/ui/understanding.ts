/** The widget's language model: the NLU Web Worker, next to the widget's own script unless told otherwise. */
import type { Understanding } from '../conversation/types';
import { createNluClient } from '../nlu/client';
import type { Backend } from '../nlu/protocol';

export const WORKER_FILE = 'parley-nlu-worker.js';
export const RUNTIME_FOLDER = 'ort/';

/** `botUrl`: absolute URL of the bundle's bot.json. */
export function createWorkerUnderstanding(botUrl: string, assetsUrl: string, backend: Backend = 'auto'): Understanding & { dispose(): void } {
  const client = createNluClient({
    // Module workers must come from the page's origin: serve Parley's files from the site itself.
    createWorker: () => new Worker(new URL(WORKER_FILE, assetsUrl), { type: 'module', name: 'parley-nlu' }),
    botUrl,
    runtimeUrl: new URL(RUNTIME_FOLDER, assetsUrl).href,
    backend,
  });
  return { load: () => client.load(), parse: (text) => client.parse(text), dispose: () => client.dispose() };
}
