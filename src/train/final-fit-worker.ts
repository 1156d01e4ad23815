/** Worker thread entry of the final fit (see final-fit.ts): trains, then posts the network back. */
import { parentPort, workerData } from 'node:worker_threads';
import { FinalFitControl, type FinalFitMessage, type FinalFitRequest } from './final-fit';
import { ensureBackend, runFinalFit } from './trainer';

const port = parentPort;
if (!port) throw new Error('final-fit-worker runs as a worker thread, started by the trainer');
const post = (message: FinalFitMessage) => port.postMessage(message);

const request = workerData as FinalFitRequest;
try {
  await ensureBackend();
  const network = runFinalFit(
    { ...request.options, onProgress: (progress) => post({ type: 'progress', progress, postedAt: Date.now() }) },
    request.examples,
    request.vocabulary,
    { kind: 'alongside', scheduleEpochs: request.scheduleEpochs, control: new FinalFitControl(request.control) },
    request.seed,
  );
  post({ type: 'done', network });
} catch (error) {
  post({ type: 'failed', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
}
