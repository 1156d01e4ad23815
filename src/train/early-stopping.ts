/**
 * Early stopping on the validation score, with a tolerance: weights within `tolerance` of the best
 * score so far replace the kept ones (as good on validation, and trained longer; on a small split,
 * epochs differ by a message or two), while patience counts from the last strict improvement, so a
 * plateau still stops training. The best score never drifts down to a kept, slightly worse epoch.
 */
export class EarlyStopping {
  private best = Number.NEGATIVE_INFINITY;
  private sinceImprovement = 0;

  constructor(
    private readonly patience: number,
    private readonly tolerance: number,
  ) {}

  /** Records one epoch's validation score; true when that epoch's weights should be kept. */
  observe(score: number): boolean {
    const keep = score >= this.best - this.tolerance;
    if (score > this.best) {
      this.best = score;
      this.sinceImprovement = 0;
    } else this.sinceImprovement++;
    return keep;
  }

  get shouldStop(): boolean {
    return this.sinceImprovement >= this.patience;
  }
}
