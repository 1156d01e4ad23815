/**
 * Seeded, replayable runs: each run draws from its own generator (seed and run number), prints nothing
 * unless it fails, and a failure says how to replay it alone:
 * `PARLEY_FAULT_SEED=<seed> PARLEY_FAULT_RUN=<scenario>:<run> npx vitest run examples/backend/fault-injection.test.ts`.
 */
import { seededRandom, type Random } from '../../../src/train/random';

export interface Draw {
  random: Random;
  pick<T>(items: readonly T[]): T;
  chance(p: number): boolean;
  /** An integer in [min, max]. */
  between(min: number, max: number): number;
}

export function draw(random: Random): Draw {
  return {
    random,
    pick: (items) => items[Math.floor(random() * items.length)]!,
    chance: (p) => random() < p,
    between: (min, max) => min + Math.floor(random() * (max - min + 1)),
  };
}

export interface Failure {
  run: number;
  problem: string;
  detail: string;
}

export class Scenario {
  readonly failures: Failure[] = [];
  readonly seed: number;

  constructor(
    readonly name: string,
    defaultSeed: number,
    readonly total: number,
  ) {
    this.seed = Number(process.env.PARLEY_FAULT_SEED ?? defaultSeed);
  }

  /** The runs to do: all of them, or the one asked for with PARLEY_FAULT_RUN (none of the other scenarios then). */
  runs(): number[] {
    const only = process.env.PARLEY_FAULT_RUN;
    if (!only) return Array.from({ length: this.total }, (_, i) => i);
    const [name, run] = only.split(':');
    return name === this.name && run !== undefined ? [Number(run)] : [];
  }

  draw(run: number): Draw {
    return draw(seededRandom((this.seed ^ Math.imul(run + 1, 0x9e3779b1)) >>> 0));
  }

  /** Records a failed run; `schedule` says what the run did (faults, moments, choices). */
  fail(run: number, schedule: string, problem: string, transcript: readonly string[] = []): void {
    const where = `seed ${this.seed}, run ${run}, scenario ${this.name}, schedule ${schedule}`;
    this.failures.push({ run, problem, detail: `${where}: ${problem}\n  replay: PARLEY_FAULT_SEED=${this.seed} PARLEY_FAULT_RUN=${this.name}:${run}\n  ${transcript.join('\n  ')}` });
    console.log(`fault injection FAILED (${where}): ${problem}`);
  }

  /** The first failures in full, for an assertion's message. */
  report(max = 3): string {
    if (this.failures.length === 0) return 'no failed runs';
    const runs = [...new Set(this.failures.map((f) => f.run))];
    return `${runs.length} failed runs (runs ${runs.join(', ')}); the first:\n${this.failures
      .slice(0, max)
      .map((f) => f.detail)
      .join('\n')}`;
  }
}
