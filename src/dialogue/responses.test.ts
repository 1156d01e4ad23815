import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { DialogueBotSchema } from '../bot/dialogue-schema';
import { markdownToHtml } from '../ui/markdown';
import { botMarkdown, fillPlaceholders, fillTemplate, renderResponse } from './responses';

/** What a visitor reads of markdown without tags: the HTML's character references as characters. */
const shown = (html: string) => html.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)));

const HOSTILE = [
  '[Verify here](https://evil.example)',
  '<img src=x onerror=alert(1)>',
  '<a href="javascript:alert(1)" onclick="alert(2)">x</a>',
  '**loud** _quiet_ `code` ~~gone~~',
  '![pixel](https://evil.example/p.png)',
  '&lt;b&gt; &#60;b&#62;',
  '- a list\n# a heading',
  'a backslash \\ and \\*',
];
const DOLLAR_PATTERNS = ['$&', "$'", '$`', '$1', '$$', '$<name>', 'a$&b$\'c'];

describe('fillTemplate', () => {
  it('inserts a value as text: its markdown and HTML never become markup', () => {
    for (const value of HOSTILE) {
      const html = markdownToHtml(fillTemplate('Sorry: {reason}.', {}, { reason: value }));
      expect(html).not.toMatch(/<(?!\/?p>)/);
      expect(shown(html)).toBe(`Sorry: ${value}.`);
    }
  });

  it('inserts $-patterns once, as they are', () => {
    for (const value of DOLLAR_PATTERNS) {
      expect(shown(markdownToHtml(fillTemplate('a {reason} b {order_id}', { order_id: value }, { reason: value })))).toBe(`a ${value} b ${value}`);
    }
  });

  it("inserts the bot's own markdown as it is, only when it is marked as the bot's", () => {
    const question = 'What is your **order number**?';
    expect(fillTemplate('Back to {flow_title}: {question}', {}, { flow_title: botMarkdown('your _order_'), question: botMarkdown(question) })).toBe(
      'Back to your _order_: What is your **order number**?',
    );
    expect(markdownToHtml(fillTemplate('{question}', {}, { question }))).not.toContain('<strong>');
  });

  it('leaves a token with no value as it is', () => {
    expect(fillTemplate('{missing} and {reason}', {}, { reason: 'x' })).toBe('{missing} and x');
  });
});

describe('renderResponse', () => {
  const bot = v.parse(DialogueBotSchema, { responses: { failed: ['It failed: {reason}.'] } });
  const context = { sessionId: 's', turn: 1, slots: {} };

  it("escapes an extra value (a backend's message) in the bot's and the built-in responses", () => {
    for (const name of ['failed', 'action_failed']) {
      const { text } = renderResponse(bot, name, { ...context, extra: { reason: '[Verify here](https://evil.example) $&' } });
      expect(markdownToHtml(text)).not.toContain('<a');
      expect(shown(markdownToHtml(text))).toContain('[Verify here](https://evil.example) $&');
    }
  });
});

describe('fillPlaceholders', () => {
  const template = 'Sorry, I couldn’t reach our team right now ({reason}). Please try again in a moment.';

  it('escapes every value and never expands $-patterns', () => {
    for (const value of [...HOSTILE, ...DOLLAR_PATTERNS]) {
      const html = markdownToHtml(fillPlaceholders(template, { reason: value }));
      expect(html).not.toMatch(/<(?!\/?p>)/);
      expect(shown(html)).toBe(template.replace('{reason}', () => value));
    }
  });

  it('fills every occurrence of every named value, and leaves other tokens', () => {
    expect(fillPlaceholders('{bot} is {state}; {bot} again; {other}', { bot: 'Acme', state: 'typing' })).toBe('Acme is typing; Acme again; {other}');
  });
});
