import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataFileError, readJsonLines } from './examples';

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
