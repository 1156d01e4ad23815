/**
 * bot/ owns the bot definition's data model and its validation. This file: the buttons-only bot,
 * the part of a bot bundle (`bot.json`) that works without the language model: a greeting and a menu
 * of topics, each leading to a response. It is also the fallback when the model cannot load.
 */
import * as v from 'valibot';

const MenuItemSchema = v.object({
  /** Stable id, used for analytics and feedback. */
  id: v.pipe(v.string(), v.regex(/^[a-z0-9_-]+$/i, 'use letters, digits, "-" or "_"')),
  /** Button text the visitor sees (and may type). */
  label: v.pipe(v.string(), v.trim(), v.minLength(1, 'must not be empty'), v.maxLength(60, 'keep it under 60 characters')),
  /** Bot answer, safe markdown subset: bold, italic, links, lists. */
  response: v.pipe(v.string(), v.minLength(1, 'must not be empty')),
});

export const MenuBotSchema = v.object({
  name: v.pipe(v.string(), v.minLength(1, 'must not be empty')),
  greeting: v.pipe(v.string(), v.minLength(1, 'must not be empty')),
  menu: v.pipe(
    v.array(MenuItemSchema),
    v.minLength(1, 'needs at least one item'),
    v.check((items) => new Set(items.map((item) => item.id)).size === items.length, 'item ids must be unique'),
  ),
});

export type MenuBot = v.InferOutput<typeof MenuBotSchema>;
export type MenuItem = MenuBot['menu'][number];

export type ParseResult<T> = { ok: true; value: T } | { ok: false; problems: string[] };

/**
 * Validates untrusted JSON (a fetched `bot.json`) and says exactly where each problem is,
 * e.g. `menu[2].label: must not be empty`.
 */
export function parseMenuBot(data: unknown, source = 'bot.json'): ParseResult<MenuBot> {
  const result = v.safeParse(MenuBotSchema, data);
  if (result.success) return { ok: true, value: result.output };
  return {
    ok: false,
    problems: result.issues.map((issue) => `${source}: ${formatPath(issue.path) || '(root)'}: ${issue.message}`),
  };
}

function formatPath(path: v.BaseIssue<unknown>['path']): string {
  if (!path) return '';
  return path
    .map((item) => (typeof item.key === 'number' ? `[${item.key}]` : `.${String(item.key)}`))
    .join('')
    .replace(/^\./, '');
}
