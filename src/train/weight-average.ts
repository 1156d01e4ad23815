import * as tf from '@tensorflow/tfjs';

/**
 * An exponential moving average of the weights, with a window of about `window` steps. Early on the
 * decay is lower ((1 + n) / (10 + n) after n updates), so the average is not pulled towards the
 * random initial weights.
 */
export class WeightAverage {
  private readonly averages: Map<string, tf.Variable>;
  private updates = 0;
  constructor(
    private readonly variables: ReadonlyMap<string, tf.Variable>,
    private readonly window: number,
  ) {
    this.averages = new Map([...variables].map(([name, v]) => [name, tf.tidy(() => tf.variable(tf.clone(v), false))]));
  }

  update(): void {
    const decay = Math.min(1 - 1 / this.window, (1 + this.updates) / (10 + this.updates));
    this.updates++;
    for (const [name, average] of this.averages) {
      const next = tf.tidy(() => tf.add(tf.mul(average, decay), tf.mul(this.variables.get(name)!, 1 - decay)));
      average.assign(next);
      next.dispose();
    }
  }

  /** Puts the averaged weights in the variables; returns the raw ones for swapOut. */
  swapIn(): Map<string, tf.Tensor> {
    const raw = new Map<string, tf.Tensor>();
    for (const [name, variable] of this.variables) {
      raw.set(name, tf.clone(variable));
      variable.assign(this.averages.get(name)!);
    }
    return raw;
  }

  swapOut(raw: Map<string, tf.Tensor>): void {
    for (const [name, value] of raw) this.variables.get(name)!.assign(value);
    raw.forEach((t) => t.dispose());
  }

  dispose(): void {
    this.averages.forEach((t) => t.dispose());
  }
}
