/**
 * The final fit on all examples, in a second thread while the selection run trains in this one.
 *
 * The final fit needs to know only when to stop (the epoch early stopping keeps), and its learning-rate
 * schedule does not depend on that: so it can start at the same time as the selection run and keep
 * the weights of each epoch the selection run may still choose. With the two cores of a laptop the
 * whole training then takes about as long as the selection run alone, not twice as long. It uses its
 * own random stream, so it gives the same weights as the final fit run afterwards in this thread.
 */
import { Worker } from 'node:worker_threads';
import type { TagTransitions } from '../nlu/decode';
import type { FeaturizerConfig } from '../nlu/featurize';
import type { ModelConfig, Weights } from '../nlu/model-spec';
import type { Example } from './examples';
import type { TrainOptions, TrainProgress } from './trainer';
import type { Vocabulary } from './vocabulary';

/** What a finished network is, as plain data (it crosses threads). */
export interface NetworkData {
  config: ModelConfig;
  featurizer: FeaturizerConfig;
  labels: string[];
  entityTypes: string[];
  tags: string[];
  weights: Weights;
  transitions: TagTransitions | null;
}

/** The training options that cross to the worker: plain data only. */
export type FitOptions = Omit<TrainOptions, 'train' | 'valid' | 'wordVectors' | 'onProgress'> & Pick<TrainOptions, 'onProgress'>;

/** What the worker is started with. */
export interface FinalFitRequest {
  options: Omit<FitOptions, 'onProgress'>;
  examples: readonly Example[];
  vocabulary: Vocabulary;
  /** The selection run's learning-rate schedule, in epochs. */
  scheduleEpochs: number;
  seed: number;
  /** Shared with FinalFitControl. */
  control: Int32Array;
}

export type FinalFitMessage =
  | { type: 'progress'; progress: TrainProgress; /** Date.now() in the worker. */ postedAt: number }
  | { type: 'done'; network: NetworkData }
  | { type: 'failed'; message: string };

const KEPT = 0;
const TARGET = 1;

/**
 * What the selection run tells the final fit, through shared memory (the selection run never yields
 * to the event loop, so messages would arrive only after it ends).
 */
export class FinalFitControl {
  constructor(readonly shared: Int32Array = new Int32Array(new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT))) {}

  /** The selection run kept the weights of `epoch`: it will never choose an earlier one. */
  setKept(epoch: number): void {
    Atomics.store(this.shared, KEPT, epoch);
  }

  /** The selection run ended: the final fit trains exactly `epochs`. */
  setTarget(epochs: number): void {
    Atomics.store(this.shared, TARGET, epochs);
    Atomics.notify(this.shared, TARGET);
  }

  /** Epochs before this one need no snapshot. */
  keptAtLeast(): number {
    return Atomics.load(this.shared, KEPT);
  }

  target(): number | null {
    const target = Atomics.load(this.shared, TARGET);
    return target > 0 ? target : null;
  }

  /** Blocks the worker until the selection run ends (only when the final fit got there first). */
  waitForTarget(): number {
    while (Atomics.load(this.shared, TARGET) === 0) Atomics.wait(this.shared, TARGET, 0);
    return Atomics.load(this.shared, TARGET);
  }
}

export interface FinalFitAlongside {
  /** See FinalFitControl.setKept. */
  kept(epoch: number): void;
  /** Tells the final fit how many epochs to keep and waits for its network. */
  finish(epochs: number): Promise<NetworkData>;
  /** Stops the worker (the selection run failed). */
  cancel(): void;
}

/** Starts the final fit in a worker thread; its progress is reported once `finish` is called. */
export function startFinalFitAlongside(request: Omit<FinalFitRequest, 'control'>, onProgress?: (progress: TrainProgress) => void): FinalFitAlongside {
  const control = new FinalFitControl();
  const worker = startWorker({ ...request, control: control.shared });
  let target: number | null = null;
  let targetSetAt = Infinity;
  const result = new Promise<NetworkData>((resolve, reject) => {
    worker.on('message', (message: FinalFitMessage) => {
      if (message.type === 'done') resolve(message.network);
      else if (message.type === 'failed') reject(new Error(message.message));
      // Progress made while the selection run held this thread arrives all at once: only what comes
      // after is news. Past the target epoch it is work thrown away.
      else if (target !== null && message.postedAt >= targetSetAt && message.progress.epoch <= target) onProgress?.({ ...message.progress, maxEpochs: target });
    });
    worker.on('error', reject);
    worker.on('exit', (code) => reject(new Error(`the final fit's worker thread exited (code ${code}) before it finished`)));
  });
  // Rejections are read in finish(); until then a failure must not count as unhandled.
  result.catch(() => {});
  return {
    kept: (epoch) => control.setKept(epoch),
    async finish(epochs) {
      target = epochs;
      targetSetAt = Date.now();
      control.setTarget(epochs);
      try {
        return await result;
      } finally {
        void worker.terminate();
      }
    },
    cancel: () => void worker.terminate(),
  };
}

/**
 * The worker's module sits next to this one: JavaScript in the built CLI, TypeScript in the sources
 * (tests, tsx), where a small script first loads tsx: Node 20 applies no loader hooks to a worker.
 */
function startWorker(workerData: FinalFitRequest): Worker {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return new Worker(new URL(WORKER_MODULE_JS, here), { workerData });
  const tsx = import.meta.resolve('tsx/esm/api');
  const entry = new URL(WORKER_MODULE_TS, here).href;
  const loader = `import(${JSON.stringify(tsx)}).then((tsx) => tsx.tsImport(${JSON.stringify(entry)}, ${JSON.stringify(here)}))`;
  return new Worker(loader, { eval: true, workerData });
}

// Not written inline in new URL(): the bundler would try to resolve them at build time.
const WORKER_MODULE_JS = './final-fit-worker.js';
const WORKER_MODULE_TS = './final-fit-worker.ts';
