import { describe, expect, it } from 'vitest';
import { either, isRecord, list, literal, map, nullable, number, object, optional, parseData, string, text, withDefault } from './check';
import { onHostilePage } from './test/hostile-page';

const order = object({
  id: string,
  state: literal('open', 'shipped'),
  total: withDefault(number, 0),
  note: optional(text),
  lines: list(object({ sku: string, quantity: number })),
  tags: withDefault(map(nullable(string)), {}),
});

describe('parsers over untrusted data', () => {
  it('reads a value, fills defaults and keeps fields it does not know', () => {
    const result = parseData(order, { id: 'A1', state: 'open', lines: [{ sku: 'tent', quantity: 1 }], extra: true }, 'order.json');
    expect(result).toEqual({ ok: true, value: { id: 'A1', state: 'open', total: 0, lines: [{ sku: 'tent', quantity: 1 }], tags: {}, extra: true } });
  });

  it('names the path and says what is wrong, for every problem', () => {
    const result = parseData(order, { state: 'lost', note: '', lines: [{ sku: 'tent', quantity: '2' }, 'tent'], tags: { a: 1 } }, 'order.json');
    expect(result).toEqual({
      ok: false,
      problems: [
        'order.json: id: missing (must be text)',
        'order.json: state: must be one of "open", "shipped", not "lost"',
        'order.json: note: must not be empty',
        'order.json: lines[0].quantity: must be a number, not "2"',
        'order.json: lines[1]: must be an object, not "tent"',
        'order.json: tags.a: must be text, not 1',
      ],
    });
    expect(parseData(order, [], 'order.json')).toEqual({ ok: false, problems: ['order.json: (root): must be an object, not a list'] });
  });

  it('picks the parser by the value, so the problem is precise', () => {
    const variation = either<string | { text: string }>((value) => (typeof value === 'string' ? text : object({ text })));
    expect(parseData(list(variation), ['hi', { text: 'there' }, { text: 3 }], 'r')).toEqual({ ok: false, problems: ['r: [2].text: must be text, not 3'] });
  });

  it('never takes what a page added to Object.prototype or Array.prototype for data', async () => {
    const data = JSON.parse('{"id":"A1","state":"open","lines":[{"sku":"tent","quantity":1}],"tags":{"gift":null}}') as unknown;
    const result = await onHostilePage(() => parseData(order, data, 'order.json'));
    expect(result).toEqual({ ok: true, value: { id: 'A1', state: 'open', total: 0, lines: [{ sku: 'tent', quantity: 1 }], tags: { gift: null } } });
    // An inherited field is not there: a required one is missing, an optional one absent.
    const inherited = await onHostilePage(() => {
      (Object.prototype as Record<string, unknown>).id = 'from the page';
      try {
        return parseData(order, { state: 'open', lines: [] }, 'order.json');
      } finally {
        delete (Object.prototype as Record<string, unknown>).id;
      }
    });
    expect(inherited).toEqual({ ok: false, problems: ['order.json: id: missing (must be text)'] });
  });

  it('copies a "__proto__" key as data, never as the prototype', () => {
    const data = JSON.parse('{"__proto__":{"polluted":true},"a":"x"}') as unknown;
    const result = parseData(map(either((value) => (isRecord(value) ? object({}) : string))), data, 'm');
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(Object.getPrototypeOf(result.value)).toBe(Object.prototype);
    expect(Object.keys(result.value)).toEqual(['__proto__', 'a']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
