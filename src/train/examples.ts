/** Labelled examples: reading JSON Lines data sets and the stratified validation split. */
import { readFileSync } from 'node:fs';
import { shuffle, type Random } from './random';

export interface EntitySpan {
  entity: string;
  start: number;
  end: number;
  value: string;
}

export interface Example {
  text: string;
  intent: string;
  entities: EntitySpan[];
}

/** A data file that cannot be used; the message names the file (and line) and what is wrong. */
export class DataFileError extends Error {
  override name = 'DataFileError';
}

/** Reads `{text, intent, entities?}` lines; a bad line is reported with its file and line number. */
export function readJsonLines(path: string): Example[] {
  const examples: Example[] = [];
  let content: string;
  try {
    content = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new DataFileError(code === 'ENOENT' ? `${path}: no such file` : `${path}: cannot be read (${(error as Error).message})`, { cause: error });
  }
  content
    .split('\n')
    .forEach((line, index) => {
      if (line.trim() === '') return;
      const where = `${path}:${index + 1}`;
      let record: unknown;
      try {
        record = JSON.parse(line);
      } catch (error) {
        throw new DataFileError(`${where}: not valid JSON (${(error as Error).message})`, { cause: error });
      }
      const { text, intent, entities = [] } = (record ?? {}) as Partial<Example>;
      if (typeof text !== 'string' || typeof intent !== 'string') throw new DataFileError(`${where}: needs "text" and "intent" strings`);
      if (!Array.isArray(entities)) throw new DataFileError(`${where}: "entities" must be a list`);
      for (const entity of entities) {
        if (typeof entity?.entity !== 'string' || !Number.isInteger(entity.start) || !Number.isInteger(entity.end)) {
          throw new DataFileError(`${where}: each entity needs "entity" (a string), "start" and "end" (character offsets)`);
        }
        if (text.slice(entity.start, entity.end) !== entity.value) {
          throw new DataFileError(`${where}: entity "${entity.entity}" [${entity.start}, ${entity.end}) does not match its value "${entity.value}"`);
        }
      }
      examples.push({ text, intent, entities });
    });
  if (examples.length === 0) throw new DataFileError(`${path}: no examples (one JSON object per line: {"text", "intent", "entities"})`);
  return examples;
}

/** `fraction` of an intent's `count` examples, rounded; one at least when it has two or more, none of one. */
export function heldOutShare(count: number, fraction: number): number {
  return count < 2 ? 0 : Math.max(1, Math.round(count * fraction));
}

/**
 * Holds out examples of each intent: `heldOut(intent, count)` of them, by default `fraction` of each
 * (heldOutShare).
 */
export function stratifiedSplit(
  examples: readonly Example[],
  fraction: number,
  random: Random,
  heldOut: (intent: string, count: number) => number = (_intent, count) => heldOutShare(count, fraction),
): { train: Example[]; valid: Example[] } {
  const byIntent = new Map<string, Example[]>();
  for (const example of examples) {
    const group = byIntent.get(example.intent) ?? [];
    group.push(example);
    byIntent.set(example.intent, group);
  }
  const train: Example[] = [];
  const valid: Example[] = [];
  for (const [intent, group] of byIntent) {
    shuffle(group, random);
    const held = Math.min(group.length, heldOut(intent, group.length));
    valid.push(...group.slice(0, held));
    train.push(...group.slice(held));
  }
  return { train: shuffle(train, random), valid };
}

/**
 * The validation split carved out of a bot's examples: `fraction` of each intent (`valid`, which early
 * stopping watches and the temperature is fitted on, as with a validation file), and more out-of-scope
 * examples for the out-of-scope threshold alone (`thresholdOnly`): `outOfScopeHeldOut` in all, or
 * `outOfScopeHeldOutShare` of them if that is fewer. A tenth of CLINC150's 100 is 10 examples, and the
 * test recall of a threshold placed on them ranged over 13-46% with the seed; on 30 it is steadier
 * (docs/nlu.md). Early stopping does not watch the extra ones: the selection run scored on a quarter of
 * out-of-scope messages stopped the demo bot after three epochs instead of seven.
 */
export function carveValidation(
  examples: readonly Example[],
  rule: { fraction: number; outOfScopeLabel: string; outOfScopeHeldOut: number; outOfScopeHeldOutShare: number },
  random: Random,
): { train: Example[]; valid: Example[]; thresholdOnly: Example[] } {
  const outOfScopeCount = examples.filter((e) => e.intent === rule.outOfScopeLabel).length;
  const watched = heldOutShare(outOfScopeCount, rule.fraction);
  const { train, valid: heldOut } = stratifiedSplit(examples, rule.fraction, random, (intent, count) =>
    intent === rule.outOfScopeLabel ? Math.max(watched, Math.min(rule.outOfScopeHeldOut, Math.floor(count * rule.outOfScopeHeldOutShare))) : heldOutShare(count, rule.fraction),
  );
  const valid: Example[] = [];
  const thresholdOnly: Example[] = [];
  let outOfScopeSeen = 0;
  for (const example of heldOut) {
    const extra = example.intent === rule.outOfScopeLabel && outOfScopeSeen++ >= watched;
    (extra ? thresholdOnly : valid).push(example);
  }
  return { train, valid, thresholdOnly };
}
