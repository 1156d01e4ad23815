import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { readWinkEmbeddings, WinkEmbeddingsFormatError } from './wink-embeddings-reader';
import { loadWordVectors } from './word-vectors';

const dir = mkdtempSync(join(tmpdir(), 'parley-wink-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
function write(text: string): string {
  const file = join(dir, `vectors-${files++}.json`);
  writeFileSync(file, text);
  return file;
}

/** What the trainer computed from `require(package)` before: Float32 values, then unit length. */
function expectedRow(raw: number[], dimensions: number): Float32Array {
  const vector = Float32Array.from(raw.slice(0, dimensions));
  let norm = 0;
  for (const value of vector) norm += value * value;
  norm = Math.sqrt(norm) || 1;
  for (let i = 0; i < dimensions; i++) vector[i]! /= norm;
  return vector;
}

// The package's own layout: header, words by frequency, then word -> [...vector, norm, index].
const SAMPLE = `{"precision":8,"l2NormIndex":3,"wordIndex":4,"size":5,"dimensions":3,
  "words":["the","\\"","caf\\u00e9","naïve","]"],
  "vectors":{
    "the":[0.1,-0.25,3e-2,1.5,0],
    "\\"":[-1.25E+1, 0.000123456789012345678, 7, 1, 1],
    "café":[1e-7,-0,12345678901234567890,2,2],
    "naïve" : [ 0.5 , 0.5 , 0.5 , 3 , 3 ],
    "]":[0,0,0,0,4]
  },
  "unkVector":[0,0,0]}`;
const SAMPLE_PARSED = JSON.parse(SAMPLE) as { words: string[]; vectors: Record<string, number[]> };

describe('readWinkEmbeddings', () => {
  it.each([1, 2, 3, 7, 64, 1 << 20])('gives the same unit vectors as JSON.parse, bit for bit, read %i bytes at a time', (chunkBytes) => {
    const table = readWinkEmbeddings(write(SAMPLE), { chunkBytes });
    expect(table.dimensions).toBe(3);
    expect(table.words).toEqual(SAMPLE_PARSED.words);
    for (const [word, raw] of Object.entries(SAMPLE_PARSED.vectors)) {
      const row = table.rows.get(word);
      expect(row, word).toBeDefined();
      expect(Array.from(table.table.subarray(row! * 3, row! * 3 + 3)), word).toEqual(Array.from(expectedRow(raw, 3)));
    }
  });

  it('parses every JSON number as JSON.parse does', () => {
    const json = fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer(), fc.float({ noNaN: true, noDefaultInfinity: true }).map((x) => Number(x.toPrecision(8))));
    fc.assert(
      fc.property(fc.array(json, { minLength: 1, maxLength: 6 }), (numbers) => {
        const text = `{"dimensions":${numbers.length},"vectors":{"w":${JSON.stringify(numbers)}}}`;
        const table = readWinkEmbeddings(write(text), { chunkBytes: 5 });
        // From the text, not `numbers`: JSON.stringify writes -0 as 0.
        const parsed = (JSON.parse(text) as { vectors: { w: number[] } }).vectors.w;
        expect(Array.from(table.table)).toEqual(Array.from(expectedRow(parsed, numbers.length)));
      }),
      { numRuns: 200 },
    );
  });

  it('keeps the last vector of a repeated word, as JSON.parse does', () => {
    const table = readWinkEmbeddings(write('{"dimensions":2,"vectors":{"a":[1,0],"b":[0,1],"a":[0,2]}}'));
    expect(table.rows.size).toBe(2);
    expect(Array.from(table.table.subarray(table.rows.get('a')! * 2, table.rows.get('a')! * 2 + 2))).toEqual([0, 1]);
  });

  it('falls back to the vectors\' words when the file has no word list', () => {
    expect(readWinkEmbeddings(write('{"dimensions":1,"vectors":{"x":[1],"y":[2]}}')).words).toEqual(['x', 'y']);
  });

  it.each([
    ['{"dimensions":3,"vectors":{"the":[0.1,0.2', /expected "," or "]" at byte 41, found the end of the file/],
    ['{"vectors":{"the":[1]}}', /a positive integer "dimensions" before "vectors" at byte 11/],
    ['{"dimensions":2,"vectors":{"the":[1]}}', /2 numbers in the vector of "the" \(it has 1\)/],
    ['{"dimensions":2,"vectors":{"the":[1,x]}}', /expected a number at byte 36, found "x"/],
    ['{"dimensions":2,"words":[]}', /expected a "vectors" object/],
    ['[1,2]', /expected the "\{" that opens the file at byte 0/],
  ])('names the byte where a damaged file goes wrong: %s', (text, message) => {
    const file = write(text);
    expect(() => readWinkEmbeddings(file, { chunkBytes: 4 })).toThrow(WinkEmbeddingsFormatError);
    expect(() => readWinkEmbeddings(file, { chunkBytes: 4 })).toThrow(message);
  });
});

describe('loadWordVectors from a file', () => {
  it('answers unit vectors, unknown words and the most frequent words', () => {
    const vectors = loadWordVectors(write(SAMPLE));
    expect(vectors.dimensions).toBe(3);
    expect(Array.from(vectors.vector('the')!)).toEqual(Array.from(expectedRow(SAMPLE_PARSED.vectors['the']!, 3)));
    expect(vectors.vector('unknown')).toBeUndefined();
    expect(vectors.vector('constructor')).toBeUndefined();
    expect(vectors.frequentWords(2)).toEqual(['the', '"']);
    // Callers get their own copy: changing it does not change the table.
    vectors.vector('the')![0] = 99;
    expect(vectors.vector('the')![0]).not.toBe(99);
  });
});
