/**
 * bot/ owns the bot definition's data model and its validation. This file: the buttons-only bot,
 * the part of a bot bundle (`bot.json`) that works without the language model: a greeting and a menu
 * of topics, each leading to a response. It is also the fallback when the model cannot load.
 *
 * Two readers of the same shape: the valibot schema validates the definition (Node: `parley train`,
 * `parley validate`), and parseMenuBot reads a fetched bot.json in the browser, where the page's
 * prototypes may carry methods that valibot's `for...in` would take for fields (src/check.ts).
 */
import * as v from 'valibot';
import { fail, list, object, parseData, refine, string, text, type Parser, type Result } from '../check';
import { trimText } from '../text';

const ID = /^[a-z0-9_-]+$/i;
const MAX_LABEL = 60;
const SAYS = {
  id: 'use letters, digits, "-" or "_"',
  empty: 'must not be empty',
  long: `keep it under ${MAX_LABEL} characters`,
  noItems: 'needs at least one item',
  duplicates: 'item ids must be unique',
} as const;

const MenuItemSchema = v.object({
  /** Stable id, used for analytics and feedback. */
  id: v.pipe(v.string(), v.regex(ID, SAYS.id)),
  /** Button text the visitor sees (and may type). */
  label: v.pipe(v.string(), v.trim(), v.minLength(1, SAYS.empty), v.maxLength(MAX_LABEL, SAYS.long)),
  /** Bot answer, safe markdown subset: bold, italic, links, lists. */
  response: v.pipe(v.string(), v.minLength(1, SAYS.empty)),
});

const uniqueIds = (items: ReadonlyArray<{ id: string }>) => new Set(items.map((item) => item.id)).size === items.length;

export const MenuBotSchema = v.object({
  name: v.pipe(v.string(), v.minLength(1, SAYS.empty)),
  greeting: v.pipe(v.string(), v.minLength(1, SAYS.empty)),
  menu: v.pipe(v.array(MenuItemSchema), v.minLength(1, SAYS.noItems), v.check((items) => uniqueIds(items), SAYS.duplicates)),
});

export type MenuBot = v.InferOutput<typeof MenuBotSchema>;
export type MenuItem = MenuBot['menu'][number];

export type ParseResult<T> = Result<T>;

const label: Parser<string> = (value, path, problems) => {
  const trimmed = typeof value === 'string' ? trimText(value) : value;
  if (typeof trimmed === 'string' && trimmed.length > MAX_LABEL) fail(problems, path, SAYS.long);
  return text(trimmed, path, problems);
};

const menuItem = object({ id: refine(string, (id) => (ID.test(id) ? null : SAYS.id)), label, response: text });

const menuBot: Parser<MenuBot> = object({
  name: text,
  greeting: text,
  menu: refine(list(menuItem), (items) => (items.length === 0 ? SAYS.noItems : uniqueIds(items) ? null : SAYS.duplicates)),
});

/**
 * Reads untrusted JSON (a fetched `bot.json`, or the `bot` option) and says exactly where each
 * problem is, e.g. `menu[2].label: must not be empty`.
 */
export function parseMenuBot(data: unknown, source = 'bot.json'): ParseResult<MenuBot> {
  return parseData(menuBot, data, source);
}
