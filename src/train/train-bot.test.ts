import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseMenuBot } from '../bot/menu-bot';
import { parseNluBundle } from '../nlu/bundle';
import { fakeWordVectors, TOY_WORDS } from './testing/toy-data';
import { bundleIsCurrent, DefinitionError, readDefinition, trainBot } from './train-bot';

const examples = (lines: string[]) => lines.map((line) => `      - ${line}`).join('\n');
const definition = `name: Toy Shop
greeting: Hello!
intents:
  order_status:
    examples:
${examples(['where is my order [A12345](order_id)', 'track order [B20931](order_id)', 'status of [C33333](order_id)', 'has my order shipped', 'order [D44444](order_id) is late', 'where is my parcel'])}
  refund:
    examples:
${examples(['i want a refund', 'refund my money', 'give me my money back', 'refund please', 'can i return this', 'money back now'])}
entities:
  order_id:
    regex: '[A-Z]\\d{5}'
    flags: i
menu:
  - id: order_status
    label: Where is my order?
    response: It ships in 2 days.
  - id: refund
    label: Refunds
    response: Refunds take 30 days.
`;

describe('parley train', () => {
  it('writes a bundle the widget and the worker accept, and knows when it is current', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-train-'));
    const file = join(dir, 'toy.yaml');
    writeFileSync(file, definition);
    const out = join(dir, 'bundle');
    const summary = await trainBot({ definitionFile: file, outDir: out, wordVectors: fakeWordVectors(TOY_WORDS), seed: 1 });
    expect(summary).toMatchObject({ name: 'Toy Shop', intents: 2, examples: 12, dir: out });
    expect(summary.modelBytes).toBeGreaterThan(1000);
    expect(summary.refit?.epochs).toBeGreaterThan(0);
    expect(summary.refit?.alongside).toBe(true);
    // 12 examples, 6 per intent: one of each held out, no out-of-scope class.
    expect(summary.heldOut).toMatchObject({ inScope: 2, outOfScope: 0, outOfScopeDeclined: 0 });
    expect(summary.heldOut?.inScopeRight).toBeGreaterThan(0);

    const bot = JSON.parse(readFileSync(join(out, 'bot.json'), 'utf8')) as Record<string, unknown>;
    expect(parseMenuBot(bot).ok).toBe(true);
    const nlu = parseNluBundle(bot.nlu, 'bot.json nlu');
    expect(nlu.ok).toBe(true);
    expect(readFileSync(join(out, 'model.onnx')).byteLength).toBe(summary.modelBytes);
    expect(bot.extractors).toEqual({ regex: [{ entity: 'order_id', pattern: '[A-Z]\\d{5}', flags: 'i' }], lookups: [], builtins: [] });

    const { sha256 } = readDefinition(file);
    expect(bundleIsCurrent(out, sha256)).toBe(true);
    writeFileSync(file, definition.replace('Hello!', 'Hi!'));
    expect(bundleIsCurrent(out, readDefinition(file).sha256)).toBe(false);
  }, 120_000);

  it('says so when an intent has too few examples to hold any out', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-train-'));
    const file = join(dir, 'toy.yaml');
    writeFileSync(file, definition.replace(/(examples:\n {6}- [^\n]*\n)( {6}- [^\n]*\n)+/g, '$1'));
    const summary = await trainBot({ definitionFile: file, outDir: join(dir, 'bundle'), wordVectors: fakeWordVectors(TOY_WORDS), seed: 1 });
    expect(summary.examples).toBe(2);
    expect(summary.heldOut).toBeNull();
    expect(summary.refit).toBeNull();
  }, 120_000);

  it('skips the final fit when asked (parley train --no-refit)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-train-'));
    const file = join(dir, 'toy.yaml');
    writeFileSync(file, definition);
    const summary = await trainBot({ definitionFile: file, outDir: join(dir, 'bundle'), wordVectors: fakeWordVectors(TOY_WORDS), seed: 1, refit: false });
    expect(summary.refit).toBeNull();
    const out = join(dir, 'bundle');
    expect(parseNluBundle((JSON.parse(readFileSync(join(out, 'bot.json'), 'utf8')) as Record<string, unknown>).nlu, 'bot.json nlu').ok).toBe(true);
    // A draft is current for another draft build, not for a full one (npm start's --if-changed).
    const { sha256 } = readDefinition(file);
    expect(bundleIsCurrent(out, sha256, { draftWillDo: true })).toBe(true);
    expect(bundleIsCurrent(out, sha256)).toBe(false);
  }, 120_000);

  it('refuses a broken definition with every problem and its line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-train-'));
    const file = join(dir, 'broken.yaml');
    writeFileSync(file, definition.replace("    flags: i\n", '    flags: q\n').replace('name: Toy Shop\n', 'name: ""\n'));
    expect(() => readDefinition(file)).toThrow(DefinitionError);
    expect(() => readDefinition(file)).toThrow(`${file}:1: name: must not be empty`);
    const flagsLine = definition.slice(0, definition.indexOf('flags:')).split('\n').length;
    expect(() => readDefinition(file)).toThrow(`${file}:${flagsLine}: entities.order_id.flags: only the flags i, m, s, u and v`);
  });
});
