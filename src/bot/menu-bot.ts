/**
 * bot/ owns the bot definition's data model and its validation. This file: the buttons-only bot,
 * the part of a bot bundle (`bot.json`) that works without the language model: a greeting and a menu
 * of topics, each leading to a response. It is also the fallback when the model cannot load.
 *
 * parseMenuBot reads a fetched bot.json in the browser, by own properties only (src/check.ts): the
 * page's prototypes may carry methods that a `for...in` would take for fields. The definition's menu
 * is validated with valibot, in Node (src/bot/definition.ts), with the same rules and messages.
 */
import { fail, list, object, parseData, refine, string, text, type Parser, type Result } from '../check';
import { trimText } from '../text';

export interface MenuItem {
  /** Stable id, used for analytics and feedback. */
  id: string;
  /** Button text the visitor sees (and may type), trimmed. */
  label: string;
  /** Bot answer, safe markdown subset: bold, italic, links, lists. */
  response: string;
}

export interface MenuBot {
  name: string;
  greeting: string;
  menu: MenuItem[];
}

const MAX_LABEL = 60;

/** What a menu item's fields must be, for both readers. */
export const MENU_RULES = {
  id: /^[a-z0-9_-]+$/i,
  maxLabel: MAX_LABEL,
  says: {
    id: 'use letters, digits, "-" or "_"',
    empty: 'must not be empty',
    long: `keep it under ${MAX_LABEL} characters`,
    noItems: 'needs at least one item',
    duplicates: 'item ids must be unique',
  },
} as const;
const { says } = MENU_RULES;

export const uniqueIds = (items: ReadonlyArray<{ id: string }>): boolean => new Set(items.map((item) => item.id)).size === items.length;

export type ParseResult<T> = Result<T>;

const label: Parser<string> = (value, path, problems) => {
  const trimmed = typeof value === 'string' ? trimText(value) : value;
  if (typeof trimmed === 'string' && trimmed.length > MENU_RULES.maxLabel) fail(problems, path, says.long);
  return text(trimmed, path, problems);
};

const menuItem: Parser<MenuItem> = object({ id: refine(string, (id) => (MENU_RULES.id.test(id) ? null : says.id)), label, response: text });

const menuBot: Parser<MenuBot> = object({
  name: text,
  greeting: text,
  menu: refine(list(menuItem), (items) => (items.length === 0 ? says.noItems : uniqueIds(items) ? null : says.duplicates)),
});

/**
 * Reads untrusted JSON (a fetched `bot.json`, or the `bot` option) and says exactly where each
 * problem is, e.g. `menu[2].label: must not be empty`.
 */
export function parseMenuBot(data: unknown, source = 'bot.json'): ParseResult<MenuBot> {
  return parseData(menuBot, data, source);
}
