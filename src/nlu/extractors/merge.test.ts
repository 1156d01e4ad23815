import { describe, expect, it } from 'vitest';
import { mergeEntities } from './merge';
import { anEntity } from './testing';

const spans = (entities: ReturnType<typeof mergeEntities>) => entities.map((entity) => [entity.entity, entity.start, entity.end]);

describe('mergeEntities', () => {
  it('keeps the longer of two overlapping spans, from whichever list', () => {
    const number = anEntity({ entity: 'number', start: 1, end: 6, confidence: 0.9 });
    const amount = anEntity({ entity: 'amount', start: 0, end: 6, confidence: 0.5 });
    expect(spans(mergeEntities([[number], [amount]]))).toEqual([['amount', 0, 6]]);
    expect(spans(mergeEntities([[amount], [number]]))).toEqual([['amount', 0, 6]]);
  });

  it('prefers the higher confidence on equal spans, then the earlier list', () => {
    const regex = anEntity({ entity: 'order_id', start: 3, end: 8, confidence: 1 });
    const number = anEntity({ entity: 'number', start: 3, end: 8, confidence: 0.9 });
    expect(spans(mergeEntities([[number], [regex]]))).toEqual([['order_id', 3, 8]]);
    const tie = anEntity({ entity: 'tie', start: 3, end: 8, confidence: 1 });
    expect(spans(mergeEntities([[regex], [tie]]))).toEqual([['order_id', 3, 8]]);
    expect(spans(mergeEntities([[tie], [regex]]))).toEqual([['tie', 3, 8]]);
  });

  it('keeps spans that do not overlap, touching ones included, sorted by start', () => {
    const merged = mergeEntities([
      [anEntity({ entity: 'c', start: 10, end: 12 })],
      [anEntity({ entity: 'a', start: 0, end: 4 }), anEntity({ entity: 'b', start: 4, end: 9 })],
    ]);
    expect(spans(merged)).toEqual([['a', 0, 4], ['b', 4, 9], ['c', 10, 12]]);
  });

  it('resolves partial overlaps by length, and a chain of them step by step', () => {
    const merged = mergeEntities([[
      anEntity({ entity: 'left', start: 0, end: 5 }),
      anEntity({ entity: 'middle', start: 4, end: 12 }),
      anEntity({ entity: 'right', start: 11, end: 15 }),
    ]]);
    expect(spans(merged)).toEqual([['middle', 4, 12]]);
  });

  it('drops empty spans and accepts empty input', () => {
    expect(mergeEntities([])).toEqual([]);
    expect(mergeEntities([[], [anEntity({ start: 2, end: 2 })]])).toEqual([]);
  });

  it('does not change the lists it is given', () => {
    const list = [anEntity({ entity: 'b', start: 5, end: 6 }), anEntity({ entity: 'a', start: 0, end: 1 })];
    mergeEntities([list]);
    expect(list.map((entity) => entity.entity)).toEqual(['b', 'a']);
  });
});
