import type { ExtractedEntity } from './types';

/**
 * One entity per stretch of text, from the lists of several extractors (and the model).
 *
 * Policy: candidates are ranked, and each is kept unless it overlaps one ranked above it.
 *   1. the longer span wins ("$49.99" over "49.99", a phone over the numbers inside it);
 *   2. on equal length, the higher confidence wins (a bot's own regex over a built-in number);
 *   3. then the earlier list, then the earlier start (so the result never depends on sort stability).
 * Spans that touch (one ends where the next starts) do not overlap. Empty spans are dropped.
 * The result is sorted by start.
 */
export function mergeEntities(lists: readonly (readonly ExtractedEntity[])[]): ExtractedEntity[] {
  const ranked = lists
    .flatMap((list, listIndex) => list.map((entity) => ({ entity, listIndex })))
    .filter(({ entity }) => entity.end > entity.start)
    .sort(
      (a, b) =>
        b.entity.end - b.entity.start - (a.entity.end - a.entity.start) ||
        b.entity.confidence - a.entity.confidence ||
        a.listIndex - b.listIndex ||
        a.entity.start - b.entity.start,
    );

  const kept: ExtractedEntity[] = [];
  for (const { entity } of ranked) {
    const at = firstStartingAtOrAfter(kept, entity.start);
    const before = kept[at - 1];
    const after = kept[at];
    if (before && before.end > entity.start) continue;
    if (after && after.start < entity.end) continue;
    kept.splice(at, 0, entity);
  }
  return kept;
}

/** Binary search in `kept`, which is sorted by start and free of overlaps. */
function firstStartingAtOrAfter(kept: readonly ExtractedEntity[], start: number): number {
  let low = 0;
  let high = kept.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (kept[middle]!.start < start) low = middle + 1;
    else high = middle;
  }
  return low;
}
