/**
 * The bot definition authors write (YAML, or JSON): its schema, and loading with problems reported by
 * file, line and path (`bots/acme.yaml:12: intents.greet.examples[3]: ...`). Examples carry inline
 * entity markup: `where is [A12345](order_id)`, `[pro](plan){"value": "pro plan"}`.
 */
import * as v from 'valibot';
import { isMap, isSeq, LineCounter, parseDocument, type Node as YamlNode } from 'yaml';
import { DialogueSchema, NAME } from './dialogue-schema';
import { MENU_RULES, uniqueIds, type MenuItem } from './menu-bot';

const BUILTINS = ['date', 'time', 'number', 'amount', 'email', 'phone', 'url'] as const;

/** The buttons-only menu (src/bot/menu-bot.ts reads it back from bot.json in the browser). */
const MenuSchema = v.pipe(
  v.array(
    v.object({
      id: v.pipe(v.string(), v.regex(MENU_RULES.id, MENU_RULES.says.id)),
      label: v.pipe(v.string(), v.trim(), v.minLength(1, MENU_RULES.says.empty), v.maxLength(MENU_RULES.maxLabel, MENU_RULES.says.long)),
      response: v.pipe(v.string(), v.minLength(1, MENU_RULES.says.empty)),
    }),
  ),
  v.minLength(1, MENU_RULES.says.noItems),
  v.check((items: MenuItem[]) => uniqueIds(items), MENU_RULES.says.duplicates),
);

const EntitySchema = v.pipe(
  v.strictObject({
    regex: v.optional(v.string()),
    flags: v.optional(v.pipe(v.string(), v.regex(/^[imsuv]*$/, 'only the flags i, m, s, u and v'))),
    lookup: v.optional(
      v.array(v.strictObject({ value: v.pipe(v.string(), v.minLength(1)), synonyms: v.optional(v.array(v.pipe(v.string(), v.minLength(1)))) })),
    ),
    builtin: v.optional(v.picklist(BUILTINS, `one of ${BUILTINS.join(', ')}`)),
  }),
  v.check((entity) => [entity.regex, entity.lookup, entity.builtin].filter((x) => x !== undefined).length <= 1, 'an entity has at most one of regex, lookup or builtin'),
);

export const BotDefinitionSchema = v.strictObject({
  name: v.pipe(v.string(), v.minLength(1, 'must not be empty')),
  language: v.optional(v.string()),
  greeting: v.optional(v.string()),
  intents: v.pipe(
    v.record(
      NAME,
      v.strictObject({
        /** Shown on buttons (clarification, fallback lists): "Order status". */
        title: v.optional(v.pipe(v.string(), v.minLength(1, 'must not be empty'))),
        examples: v.pipe(v.array(v.pipe(v.string(), v.minLength(1, 'must not be empty'))), v.minLength(1, 'needs examples')),
      }),
    ),
    v.check((intents) => Object.keys(intents).length >= 2, 'a bot needs at least two intents'),
  ),
  entities: v.optional(v.record(NAME, v.nullable(EntitySchema))),
  menu: v.optional(MenuSchema),
  ...DialogueSchema,
});

export type BotDefinition = v.InferOutput<typeof BotDefinitionSchema>;

export interface Problem {
  file: string;
  line: number;
  path: string;
  message: string;
  /** Warnings are reported but do not stop training or `parley validate`. */
  severity?: 'error' | 'warning';
}

export function formatProblem(problem: Problem): string {
  return `${problem.file}:${problem.line}: ${problem.severity === 'warning' ? 'warning: ' : ''}${problem.path || '(root)'}: ${problem.message}`;
}

export type LoadResult = { ok: true; definition: BotDefinition; problems: Problem[]; locate: Locate } | { ok: false; problems: Problem[] };

/** File and line of a path in the definition (the first file that has it). */
export type Locate = (keys: ReadonlyArray<string | number>) => { file: string; line: number; path: string };

export interface SourceFile {
  file: string;
  source: string;
}

/** Parses and validates a definition's text; `file` only labels the problems. */
export function loadDefinition(source: string, file: string): LoadResult {
  return loadDefinitionFiles([{ file, source }]);
}

/**
 * A definition split over several files (a folder: intents in one, responses in another...): each
 * top-level section is merged across files, and every problem still points at its own file and line.
 */
export function loadDefinitionFiles(files: readonly SourceFile[]): LoadResult {
  const documents: YamlDocument[] = [];
  const problems: Problem[] = [];
  const merged: Record<string, unknown> = {};
  for (const { file, source } of files) {
    const read = readYamlDocument(file, source);
    if (!read.ok) {
      problems.push(...read.problems);
      continue;
    }
    documents.push(read.document);
    const data = read.data;
    if (data === null || data === undefined) continue;
    if (typeof data !== 'object' || Array.isArray(data)) {
      problems.push({ file, line: 1, path: '', message: 'a bot definition is a map of sections (name, intents, entities, slots, flows, rules, responses, settings)' });
      continue;
    }
    for (const [section, value] of Object.entries(data as Record<string, unknown>)) {
      const existing = merged[section];
      if (existing && typeof existing === 'object' && !Array.isArray(existing) && value && typeof value === 'object' && !Array.isArray(value)) {
        for (const key of Object.keys(value)) {
          if (key in existing) problems.push({ ...locateIn(documents.slice(-1), [section, key]), message: `${section}.${key} is defined in more than one file` });
        }
        merged[section] = { ...existing, ...value };
      } else if (existing !== undefined) {
        problems.push({ ...locateIn(documents.slice(-1), [section]), message: `${section} is defined in more than one file` });
      } else merged[section] = value;
    }
  }
  if (problems.length > 0) return { ok: false, problems };
  const locate: Locate = (keys) => locateIn(documents, keys);

  const result = v.safeParse(BotDefinitionSchema, merged);
  if (!result.success) {
    return { ok: false, problems: result.issues.map((issue) => ({ ...locate((issue.path ?? []).map((item) => item.key as string | number)), message: issue.message })) };
  }
  const definition = result.output;
  for (const [intent, { examples }] of Object.entries(definition.intents)) {
    examples.forEach((example, index) => {
      const parsed = parseExample(example);
      if (!parsed.ok) problems.push({ ...locate(['intents', intent, 'examples', index]), message: parsed.problem });
    });
  }
  return problems.length ? { ok: false, problems } : { ok: true, definition, problems, locate };
}

interface YamlDocument {
  file: string;
  contents: unknown;
  lineOf: (offset: number | undefined) => number;
}

function readYamlDocument(file: string, source: string): { ok: true; document: YamlDocument; data: unknown } | { ok: false; problems: Problem[] } {
  const lineCounter = new LineCounter();
  const document = parseDocument(source, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const lineOf = (offset: number | undefined) => (offset === undefined ? 1 : lineCounter.linePos(offset).line);
  if (document.errors.length > 0) {
    return { ok: false, problems: document.errors.map((error) => ({ file, line: lineOf(error.pos[0]), path: '', message: error.message.split('\n')[0]! })) };
  }
  return { ok: true, document: { file, contents: document.contents, lineOf }, data: document.toJS() as unknown };
}

/**
 * One YAML file besides the definition (the conversation tests): its data, and where each path is,
 * so problems read like the definition's (`bots/acme.tests.yaml:12: stories[0].steps[1].user: ...`).
 */
export function readYamlFile(file: string, source: string): { ok: true; data: unknown; locate: Locate } | { ok: false; problems: Problem[] } {
  const read = readYamlDocument(file, source);
  return read.ok ? { ok: true, data: read.data, locate: (keys) => locateIn([read.document], keys) } : read;
}

function locateIn(documents: readonly YamlDocument[], keys: ReadonlyArray<string | number>) {
  const path = formatPath(keys);
  // The deepest node any file has on this path: a file that defines intents.greet wins over one
  // that only has intents.
  let best: { file: string; line: number; depth: number } | null = null;
  for (const document of documents) {
    for (let depth = keys.length; depth > 0; depth--) {
      const node = nodeAt(document.contents, keys.slice(0, depth));
      if (node && (!best || depth > best.depth)) {
        best = { file: document.file, line: document.lineOf(node.range?.[0]), depth };
        break;
      }
    }
  }
  return { file: best?.file ?? documents[0]?.file ?? '(definition)', line: best?.line ?? 1, path };
}

function nodeAt(node: unknown, keys: ReadonlyArray<string | number>): YamlNode | undefined {
  let current = node;
  for (const key of keys) {
    if (isMap(current)) current = current.get(key, true);
    else if (isSeq(current)) current = current.get(key as number, true);
    else return undefined;
  }
  return current as YamlNode | undefined;
}

function formatPath(keys: ReadonlyArray<string | number>): string {
  return keys.map((key) => (typeof key === 'number' ? `[${key}]` : `.${key}`)).join('').replace(/^\./, '');
}

export interface MarkedExample {
  text: string;
  entities: Array<{ entity: string; start: number; end: number; value: string; canonical?: string }>;
}

const MARKUP = /\[([^\]]+)\]\(([A-Za-z][\w-]*)\)(\{[^}]*\})?/g;

/** `where is [A12345](order_id)` -> text "where is A12345" with an order_id span. */
export function parseExample(example: string): { ok: true; example: MarkedExample } | { ok: false; problem: string } {
  let text = '';
  let last = 0;
  const entities: MarkedExample['entities'] = [];
  for (const match of example.matchAll(MARKUP)) {
    text += example.slice(last, match.index);
    const [, value, entity, json] = match as unknown as [string, string, string, string | undefined];
    let canonical: string | undefined;
    if (json) {
      try {
        const options = JSON.parse(json) as { value?: unknown };
        if (typeof options.value !== 'string') return { ok: false, problem: `${json} must be {"value": "..."}` };
        canonical = options.value;
      } catch {
        return { ok: false, problem: `${json} is not valid JSON` };
      }
    }
    entities.push({ entity, start: text.length, end: text.length + value.length, value, ...(canonical !== undefined && { canonical }) });
    text += value;
    last = match.index + match[0].length;
  }
  text += example.slice(last);
  if (/\[[^\]]*\]\([^)]*$|\]\(/.test(example.slice(last)) || /\[[^\]]+\]\(\s*\)/.test(example)) {
    return { ok: false, problem: `entity markup is not closed or has no entity name: write [text](entity)` };
  }
  return { ok: true, example: { text, entities } };
}
