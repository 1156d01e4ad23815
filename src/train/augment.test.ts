import { describe, expect, it } from 'vitest';
import { addTypos, swapEntityValues } from './augment';
import type { Example } from './examples';
import { seededRandom } from './random';

/** Every value in the examples, as typed -> canonical. */
const known = new Map([
  ['A12345', 'A12345'],
  ['B777', 'B777'],
  ['pro', 'pro plan'],
  ['basic', 'basic plan'],
]);

const examples: Example[] = [
  { text: 'where is order A12345 please', intent: 'order_status', entities: [{ entity: 'order_id', start: 15, end: 21, value: 'A12345' }] },
  { text: 'status of B777', intent: 'order_status', entities: [{ entity: 'order_id', start: 10, end: 14, value: 'B777' }] },
  {
    text: 'move my pro subscription to the basic tier',
    intent: 'change_plan',
    entities: [
      { entity: 'plan', start: 8, end: 11, value: 'pro plan' },
      { entity: 'plan', start: 32, end: 37, value: 'basic plan' },
    ],
  },
  { text: 'hello there', intent: 'greet', entities: [] },
];

describe('entity value swapping', () => {
  const copies = swapEntityValues(examples, 1, seededRandom(3));

  it('makes copies whose spans hold another known value of the same entity, with its canonical value', () => {
    expect(copies.length).toBeGreaterThan(0);
    for (const copy of copies) {
      const source = examples.find((e) => e.intent === copy.intent && e.entities.length === copy.entities.length)!;
      expect(copy.text).not.toBe(source.text);
      copy.entities.forEach((span, i) => {
        const surface = copy.text.slice(span.start, span.end);
        expect(span.entity).toBe(source.entities[i]!.entity);
        expect(known.get(surface)).toBe(span.value);
      });
    }
  });

  it('keeps the words around the entities', () => {
    for (const copy of copies.filter((c) => c.intent === 'order_status')) {
      expect(copy.text.startsWith('where is order ') || copy.text.startsWith('status of ')).toBe(true);
    }
  });

  it('leaves examples without entities alone', () => {
    expect(copies.some((c) => c.intent === 'greet')).toBe(false);
    expect(swapEntityValues(examples, 0, seededRandom(3))).toEqual([]);
  });
});

describe('typos', () => {
  it('never touch an entity and keep its offsets right', () => {
    const copies = addTypos(examples, 1, seededRandom(5));
    expect(copies.length).toBeGreaterThan(2);
    for (const copy of copies) {
      for (const span of copy.entities) expect(known.get(copy.text.slice(span.start, span.end))).toBe(span.value);
    }
  });
});
