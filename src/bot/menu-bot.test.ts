import { describe, expect, it } from 'vitest';
import { aMenuBot } from '../test/builders';
import { onHostilePage } from '../test/hostile-page';
import { parseMenuBot } from './menu-bot';

describe('parseMenuBot', () => {
  it('accepts a well-formed bot', () => {
    const result = parseMenuBot(aMenuBot());
    expect(result).toEqual({ ok: true, value: aMenuBot() });
  });

  it('names the exact path of each problem', () => {
    const bot = aMenuBot();
    const broken = { ...bot, greeting: '', menu: [bot.menu[0], { ...bot.menu[1], label: '   ' }] };
    const result = parseMenuBot(broken, 'models/x/bot.json');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toContain('models/x/bot.json: greeting: must not be empty');
    expect(result.problems).toContain('models/x/bot.json: menu[1].label: must not be empty');
  });

  it('rejects duplicate menu ids and an empty menu', () => {
    const bot = aMenuBot();
    const duplicated = parseMenuBot({ ...bot, menu: [bot.menu[0], bot.menu[0]] });
    expect(duplicated.ok ? [] : duplicated.problems).toEqual(['bot.json: menu: item ids must be unique']);
    const empty = parseMenuBot({ ...bot, menu: [] });
    expect(empty.ok ? [] : empty.problems).toEqual(['bot.json: menu: needs at least one item']);
  });

  it('reports a missing field and a wrong type', () => {
    const result = parseMenuBot({ greeting: 'hi', menu: 'nope' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.some((p) => p.startsWith('bot.json: name:'))).toBe(true);
    expect(result.problems.some((p) => p.startsWith('bot.json: menu:'))).toBe(true);
  });

  it('reads a fetched bot.json on a page that added methods to Object.prototype and Array.prototype and broke trim', async () => {
    const fetched = JSON.parse(JSON.stringify({ ...aMenuBot(), menu: aMenuBot().menu.map((item) => ({ ...item, label: ` ${item.label} ` })) })) as unknown;
    const result = await onHostilePage(() => parseMenuBot(fetched, 'bot.json'));
    expect(result).toEqual({ ok: true, value: aMenuBot() });
  });
});
