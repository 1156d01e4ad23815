/** Training progress on the terminal: one redrawn line on a TTY, one line per epoch elsewhere (CI logs). */
import type { TrainProgress } from '../train/trainer';

export function createProgressPrinter(stream: NodeJS.WriteStream = process.stderr): (progress: TrainProgress) => void {
  let stage: TrainProgress['stage'] | null = null;
  let started = Date.now();
  // Share of the stage done when it was first seen: a final fit that ran alongside is seen half-way.
  let doneAtStart = 0;
  const interactive = stream.isTTY === true;
  return (p) => {
    const done = (p.epoch - 1 + p.step / p.stepsPerEpoch) / p.maxEpochs;
    // Each stage has its own epochs, so the time left is estimated per stage.
    if (p.stage !== stage) {
      stage = p.stage;
      started = Date.now();
      doneAtStart = done;
    }
    const elapsed = (Date.now() - started) / 1000;
    const left = done > doneAtStart ? ((1 - done) * elapsed) / (done - doneAtStart) : p.secondsPerEpoch !== undefined ? (p.maxEpochs - p.epoch) * p.secondsPerEpoch : NaN;
    const width = 20;
    const filled = Math.round((p.step / p.stepsPerEpoch) * width);
    const bar = `${'#'.repeat(filled)}${'.'.repeat(width - filled)}`;
    const label = p.stage === 'refit' ? 'final fit on all examples, epoch' : 'epoch';
    const valid = p.validAccuracy === undefined ? '' : `  valid acc ${(p.validAccuracy * 100).toFixed(2)}%`;
    const then = p.finalFit === 'after' ? ', then the final fit' : p.finalFit === 'alongside' ? ' (the final fit trains alongside)' : '';
    const line = `${label} ${p.epoch}/${p.maxEpochs} [${bar}] step ${p.step}/${p.stepsPerEpoch}  loss ${p.loss.toFixed(4)}${valid}  at most ~${formatDuration(left)} left${then}`;
    const endOfEpoch = p.secondsPerEpoch !== undefined;
    if (interactive) stream.write(`\r\x1b[2K${line}${endOfEpoch ? '\n' : ''}`);
    else if (endOfEpoch) stream.write(`${line}\n`);
  };
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  if (seconds < 60) return `${Math.round(seconds)} s`;
  return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
}
