/** The widget's language model: the NLU Web Worker, next to the widget's own script unless told otherwise. */
import type { Understanding } from '../conversation/types';
import { createNluClient } from '../nlu/runtime/client';
import type { Backend } from '../nlu/runtime/protocol';
import { chooseStages, connectionHints, type NluPolicy } from '../nlu/stage-policy';

export const WORKER_FILE = 'parley-nlu-worker.js';
export const RUNTIME_FOLDER = 'ort/';

/** `botUrl`: absolute URL of the bundle's bot.json. */
export function createWorkerUnderstanding(botUrl: string, assetsUrl: string, backend: Backend = 'auto', policy: NluPolicy = 'auto'): Understanding & { dispose(): void } {
  const { stages, reason } = chooseStages(policy, connectionHints());
  if (stages === 'light' && policy === 'auto') console.info(`[parley] The light language stage only: ${reason}. A site can load the full model anyway with nlu: 'full'.`);
  const client = createNluClient({
    stages,
    // Module workers must come from the page's origin: serve Parley's files from the site itself.
    createWorker: () => new Worker(new URL(WORKER_FILE, assetsUrl), { type: 'module', name: 'parley-nlu' }),
    botUrl,
    runtimeUrl: new URL(RUNTIME_FOLDER, assetsUrl).href,
    backend,
  });
  return { load: () => client.load(), onFullStage: (listener) => client.onFullStage(listener), parse: (text) => client.parse(text), dispose: () => client.dispose() };
}
