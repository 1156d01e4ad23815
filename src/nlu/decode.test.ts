import { describe, expect, it } from 'vitest';
import { bioTags, decodeEntities, softmax, tagTokens } from './decode';
import { tokenize } from './tokenize';

const tags = bioTags(['order_id', 'plan']); // O, B-order_id, I-order_id, B-plan, I-plan

/** Logits that make `wanted[t]` the most likely tag of token t, by `margin`. */
function logitsFor(wanted: string[], margin = 5): Float32Array {
  const out = new Float32Array(wanted.length * tags.length);
  wanted.forEach((tag, t) => (out[t * tags.length + tags.indexOf(tag)] = margin));
  return out;
}

describe('entity decoding', () => {
  const text = 'refund order A 123 on pro plan';
  const spans = tokenize(text);

  it('turns B/I tags into spans of the original text with a confidence', () => {
    const entities = decodeEntities(logitsFor(['O', 'O', 'B-order_id', 'I-order_id', 'O', 'B-plan', 'I-plan']), tags, spans);
    expect(entities.map((e) => [e.entity, text.slice(e.start, e.end)])).toEqual([
      ['order_id', 'A 123'],
      ['plan', 'pro plan'],
    ]);
    expect(entities[0]!.confidence).toBeGreaterThan(0.9);
  });

  it('never produces an I- tag without its B- (the constraint repairs ill-formed argmax paths)', () => {
    const logits = logitsFor(['O', 'O', 'O', 'I-order_id', 'O', 'O', 'O'], 1);
    const entities = decodeEntities(logits, tags, spans);
    for (const entity of entities) expect(text.slice(entity.start, entity.end)).not.toBe('');
    // A lone I-order_id becomes either nothing or a well-formed span starting with B-.
    expect(entities.every((e) => e.entity === 'order_id')).toBe(true);
  });

  it('round-trips gold spans through tagging and decoding', () => {
    const gold = [{ entity: 'plan', start: 22, end: 30 }];
    const tagged = tagTokens(spans, gold, tags);
    expect([...tagged]).toEqual([0, 0, 0, 0, 0, 3, 4]);
    expect(decodeEntities(logitsFor([...tagged].map((i) => tags[i]!)), tags, spans)).toMatchObject(gold);
  });
});

describe('softmax', () => {
  it('sums to one and sharpens with a lower temperature', () => {
    const p = softmax([1, 2, 3]);
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    expect(softmax([1, 2, 3], 0.5)[2]!).toBeGreaterThan(p[2]!);
  });
});
