import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { carveValidation, DataFileError, readJsonLines, stratifiedSplit, type Example } from './examples';
import { seededRandom } from './random';

function dataFile(lines: string[]): string {
  const file = join(mkdtempSync(join(tmpdir(), 'parley-data-')), 'data.jsonl');
  writeFileSync(file, lines.join('\n'));
  return file;
}

const good = '{"text": "where is order A12", "intent": "order_status", "entities": [{"start": 15, "end": 18, "value": "A12", "entity": "order_id"}]}';

describe('readJsonLines', () => {
  it('reads examples, skipping blank lines, with entities optional', () => {
    const file = dataFile([good, '', '{"text": "hi", "intent": "greet"}']);
    expect(readJsonLines(file)).toEqual([
      { text: 'where is order A12', intent: 'order_status', entities: [{ start: 15, end: 18, value: 'A12', entity: 'order_id' }] },
      { text: 'hi', intent: 'greet', entities: [] },
    ]);
  });

  it.each([
    ['not JSON', ['{"text": "hi"'], ':1: not valid JSON'],
    ['no intent', [good, '{"text": "hi"}'], ':2: needs "text" and "intent" strings'],
    ['null', ['null'], ':1: needs "text" and "intent" strings'],
    ['entities not a list', ['{"text": "hi", "intent": "greet", "entities": {}}'], ':1: "entities" must be a list'],
    ['an entity without offsets', ['{"text": "hi", "intent": "greet", "entities": [{"entity": "x", "value": "hi"}]}'], ':1: each entity needs "entity"'],
    ['offsets off the value', ['{"text": "hi there", "intent": "greet", "entities": [{"entity": "x", "start": 0, "end": 3, "value": "hi"}]}'], ':1: entity "x" [0, 3) does not match its value "hi"'],
    ['no examples at all', ['', ''], ': no examples'],
  ])('names the file and line of a bad file: %s', (_, lines, message) => {
    const file = dataFile(lines);
    expect(() => readJsonLines(file)).toThrow(DataFileError);
    expect(() => readJsonLines(file)).toThrow(`${file}${message}`);
  });

  it('says plainly when the file does not exist', () => {
    expect(() => readJsonLines('/nowhere/train.jsonl')).toThrow(new DataFileError('/nowhere/train.jsonl: no such file'));
  });
});

const heldOutOf = (valid: readonly Example[], intent: string) => valid.filter((e) => e.intent === intent).length;

describe('stratifiedSplit', () => {
  const examplesOf = (counts: number[]): Example[] =>
    counts.flatMap((count, intent) => Array.from({ length: count }, (_, i) => ({ text: `intent ${intent} example ${i}`, intent: `i${intent}`, entities: [] })));

  it('puts every example on exactly one side, holding out the share of each intent (one at least, none of a single example)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 60 }), { minLength: 1, maxLength: 8 }), fc.integer(), (counts, seed) => {
        const examples = examplesOf(counts);
        const { train, valid } = stratifiedSplit(examples, 0.1, seededRandom(seed));
        expect([...train, ...valid].map((e) => e.text).sort()).toEqual(examples.map((e) => e.text).sort());
        counts.forEach((count, intent) => {
          expect(heldOutOf(valid, `i${intent}`)).toBe(count < 2 ? 0 : Math.max(1, Math.round(count * 0.1)));
        });
      }),
    );
  });

  it('holds out what heldOut asks of each intent, and the same examples of the others whatever it asks', () => {
    const examples = examplesOf([100, 40, 100]);
    const plain = stratifiedSplit(examples, 0.1, seededRandom(7));
    const more = stratifiedSplit(examples, 0.1, seededRandom(7), (intent, count) => (intent === 'i2' ? 30 : Math.round(count / 10)));
    expect(heldOutOf(more.valid, 'i2')).toBe(30);
    expect(heldOutOf(more.valid, 'i0')).toBe(10);
    expect(more.valid.filter((e) => e.intent !== 'i2')).toEqual(plain.valid.filter((e) => e.intent !== 'i2'));
  });
});

describe('carveValidation', () => {
  const rule = { fraction: 0.1, outOfScopeLabel: 'oos', outOfScopeHeldOut: 30, outOfScopeHeldOutShare: 0.3 };
  const withOutOfScope = (outOfScope: number) =>
    Array.from({ length: 100 + outOfScope }, (_, i): Example => ({ text: `message ${i}`, intent: i < 100 ? 'order_status' : 'oos', entities: [] }));
  const carve = (outOfScope: number) => carveValidation(withOutOfScope(outOfScope), rule, seededRandom(3));
  const counts = (outOfScope: number) => {
    const { train, valid, thresholdOnly } = carve(outOfScope);
    return { trained: heldOutOf(train, 'oos'), watched: heldOutOf(valid, 'oos'), thresholdOnly: heldOutOf(thresholdOnly, 'oos') };
  };

  it('holds out 30 out-of-scope examples where a tenth would be fewer, never more than 30% of them; early stopping watches a tenth', () => {
    expect(counts(100)).toEqual({ trained: 70, watched: 10, thresholdOnly: 20 });
    expect(counts(20)).toEqual({ trained: 14, watched: 2, thresholdOnly: 4 });
    expect(counts(3)).toEqual({ trained: 2, watched: 1, thresholdOnly: 0 });
  });

  it('holds out a tenth of a bot with many out-of-scope examples, and a tenth of every other intent, all watched', () => {
    expect(counts(500)).toEqual({ trained: 450, watched: 50, thresholdOnly: 0 });
    const { valid, thresholdOnly } = carve(100);
    expect(heldOutOf(valid, 'order_status')).toBe(10);
    expect(thresholdOnly.every((e) => e.intent === 'oos')).toBe(true);
  });

  it('puts every example on exactly one side', () => {
    const { train, valid, thresholdOnly } = carve(100);
    expect([...train, ...valid, ...thresholdOnly].map((e) => e.text).sort()).toEqual(withOutOfScope(100).map((e) => e.text).sort());
  });
});
