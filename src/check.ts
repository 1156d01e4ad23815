/**
 * Reading data that code in the host page's main thread did not write and must trust: a fetched
 * bot.json, a backend's answer, what IndexedDB hands back. There the page's prototypes are Parley's
 * too, so a parser reads own properties only (Object.hasOwn, Object.keys) and never iterates with
 * `for...in` or asks `key in value`: methods an old toolkit added to Object.prototype or
 * Array.prototype are never taken for data. (Node-side code validates definitions with valibot, whose
 * `for...in` would see such methods: src/bot/definition.ts.) Objects come out as fresh copies of their
 * own properties, defaults filled in; every problem says where it is: `menu[2].label: ...`.
 */

/** Reads `value`, found at `path`, and adds a problem for each mismatch; what it returns counts only without problems. */
export type Parser<T> = (value: unknown, path: string, problems: string[]) => T;

/** A field an object may leave out (its parser runs when the field is there). */
export interface Optional<T> {
  readonly optional: Parser<T>;
}

export type Result<T> = { ok: true; value: T } | { ok: false; problems: string[] };

/** Runs `parser` on `value`; each problem reads `<source>: <path>: <what is wrong>`. */
export function parseData<T>(parser: Parser<T>, value: unknown, source: string): Result<T> {
  const problems: string[] = [];
  const parsed = parser(value, '', problems);
  return problems.length === 0 ? { ok: true, value: parsed } : { ok: false, problems: problems.map((problem) => `${source}: ${problem}`) };
}

/** Whether `value` passes, without saying why not. */
export function matches(parser: Parser<unknown>, value: unknown): boolean {
  const problems: string[] = [];
  parser(value, '', problems);
  return problems.length === 0;
}

export const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The value of `record`'s own property `key`; never one inherited from a prototype. */
export const own = (record: Record<string, unknown>, key: string): unknown => (Object.hasOwn(record, key) ? record[key] : undefined);

/** `menu` + 2 -> `menu[2]`; `flows` + `refund` -> `flows.refund`. */
export const at = (path: string, key: string | number): string => (typeof key === 'number' ? `${path}[${key}]` : path ? `${path}.${key}` : key);

/** Adds the problem `message` at `path`. */
export function fail(problems: string[], path: string, message: string): void {
  problems.push(`${path || '(root)'}: ${message}`);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** A value that passes `test`; `expected` says what it must be: "text", "a number". */
export function is<T>(expected: string, test: (value: unknown) => value is T): Parser<T> {
  return (value, path, problems) => {
    if (!test(value)) fail(problems, path, value === undefined ? `missing (must be ${expected})` : `must be ${expected}, not ${describe(value)}`);
    return value as T;
  };
}

export const string = is('text', (value): value is string => typeof value === 'string');
export const number = is('a number', (value): value is number => typeof value === 'number' && Number.isFinite(value));
export const boolean = is('true or false', (value): value is boolean => typeof value === 'boolean');
export const scalar = is('text, a number or true/false', (value): value is string | number | boolean => typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value)));

/** Text of at least one character. */
export const text: Parser<string> = (value, path, problems) => {
  string(value, path, problems);
  if (value === '') fail(problems, path, 'must not be empty');
  return value as string;
};

/** One of the given values. */
export function literal<const V extends ReadonlyArray<string | number | boolean>>(...values: V): Parser<V[number]> {
  return is(`one of ${values.map((value) => JSON.stringify(value)).join(', ')}`, (value): value is V[number] => values.includes(value as V[number]));
}

export function nullable<T>(parser: Parser<T>): Parser<T | null> {
  return (value, path, problems) => (value === null ? null : parser(value, path, problems));
}

/** Used when the value is missing (undefined). */
export function withDefault<T>(parser: Parser<T>, fallback: T): Parser<T> {
  return (value, path, problems) => (value === undefined ? fallback : parser(value, path, problems));
}

export function optional<T>(parser: Parser<T>): Optional<T> {
  return { optional: parser };
}

/** `parser`, then `test` on what it read (when it read it without problems): a message when the value is wrong, else null. */
export function refine<T>(parser: Parser<T>, test: (value: T) => string | null): Parser<T> {
  return (value, path, problems) => {
    const before = problems.length;
    const parsed = parser(value, path, problems);
    const message = problems.length === before ? test(parsed) : null;
    if (message !== null) fail(problems, path, message);
    return parsed;
  };
}

/** Picks the parser by the value itself (text or an object, say), so a problem is told precisely. */
export function either<T>(pick: (value: unknown) => Parser<T>): Parser<T> {
  return (value, path, problems) => pick(value)(value, path, problems);
}

/** A list (read by index: a page's Array.prototype methods are not items). */
export function list<T>(item: Parser<T>, min?: { length: number; message: string }): Parser<T[]> {
  return (value, path, problems) => {
    if (!Array.isArray(value)) {
      fail(problems, path, value === undefined ? 'missing (must be a list)' : `must be a list, not ${describe(value)}`);
      return [];
    }
    const items: T[] = [];
    for (let index = 0; index < value.length; index++) items.push(item(value[index], at(path, index), problems));
    if (min && items.length < min.length) fail(problems, path, min.message);
    return items;
  };
}

/** An object used as a map: any own keys, each value read by `item`. */
export function map<T>(item: Parser<T>): Parser<Record<string, T>> {
  return (value, path, problems) => {
    if (!isRecord(value)) {
      fail(problems, path, value === undefined ? 'missing (must be an object)' : `must be an object, not ${describe(value)}`);
      return {};
    }
    // fromEntries makes every key an own property, even one named "__proto__".
    return Object.fromEntries(Object.keys(value).map((key) => [key, item(value[key], at(path, key), problems)]));
  };
}

type Field = Parser<unknown> | Optional<unknown>;
type Simplify<T> = { [K in keyof T]: T[K] } & {};
type Fields<S extends Record<string, Field>> = Simplify<
  { [K in keyof S as S[K] extends Optional<unknown> ? never : K]: S[K] extends Parser<infer T> ? T : never } & {
    [K in keyof S as S[K] extends Optional<unknown> ? K : never]?: S[K] extends Optional<infer T> ? T : never;
  }
>;

/**
 * An object with these fields. Its other own properties are copied as they are (a newer writer may
 * add fields), inherited ones never. A field wrapped in `optional()` may be missing; any other
 * missing field is a problem unless its parser has a default (`withDefault`).
 */
export function object<S extends Record<string, Field>>(fields: S): Parser<Fields<S>> {
  return (value, path, problems) => {
    if (!isRecord(value)) {
      fail(problems, path, value === undefined ? 'missing (must be an object)' : `must be an object, not ${describe(value)}`);
      return {} as Fields<S>;
    }
    // Own properties only (a spread copies no inherited ones); the declared fields read by their parsers.
    const copy: Record<string, unknown> = { ...value };
    for (const key of Object.keys(fields)) {
      const field = fields[key]!;
      const found = own(value, key);
      if (typeof field === 'function') copy[key] = field(found, at(path, key), problems);
      else if (found !== undefined) copy[key] = field.optional(found, at(path, key), problems);
    }
    return copy as Fields<S>;
  };
}
