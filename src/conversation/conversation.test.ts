import { afterEach, describe, expect, it, vi } from 'vitest';
import { fr } from '../i18n/fr';
import { aMenuBot, fetchReturning } from '../test/builders';
import { createConversationWithBot } from './conversation';
import type { ConversationOptions } from './types';

function conversationWith(overrides: Partial<ConversationOptions> = {}) {
  return createConversationWithBot({ bot: aMenuBot(), replyDelayMs: 0, ...overrides });
}

/** Lets queued turns (promise chains and zero-delay pauses) run. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

afterEach(() => vi.restoreAllMocks());

describe('buttons-only conversation', () => {
  it('greets with the menu as quick replies once started', async () => {
    const conversation = conversationWith();
    expect(conversation.messages.value).toEqual([]);
    await conversation.start();
    expect(conversation.status.value).toBe('ready');
    expect(conversation.botName.value).toBe('Test Bot');
    expect(conversation.messages.value.map((m) => [m.from, m.text])).toEqual([['bot', 'Hello! Pick a topic.']]);
    expect(conversation.quickReplies.value).toEqual([
      { id: 'hours', label: 'Opening hours' },
      { id: 'refund', label: 'Request a refund' },
    ]);
  });

  it('uses a greeting given as an option instead of the bot’s', async () => {
    const conversation = conversationWith({ greeting: 'Welcome back' });
    await conversation.start();
    expect(conversation.messages.value[0]?.text).toBe('Welcome back');
  });

  it('answers a quick reply with its response, shown after the visitor’s choice', async () => {
    const conversation = conversationWith();
    await conversation.start();
    const result = conversation.choose({ id: 'hours', label: 'Opening hours' });
    expect(result.ok).toBe(true);
    expect(conversation.quickReplies.value).toEqual([]); // hidden while the bot answers
    await settle();
    expect(conversation.messages.value.slice(1).map((m) => [m.from, m.text])).toEqual([
      ['user', 'Opening hours'],
      ['bot', 'We are open **9 to 5**.'],
    ]);
    expect(conversation.quickReplies.value).toHaveLength(2);
  });

  it('says clearly that free text is not understood yet, and offers the menu', async () => {
    const conversation = conversationWith({ strings: fr });
    await conversation.start();
    conversation.send('where is my parcel?');
    await settle();
    const last = conversation.messages.value.at(-1);
    expect(last?.text).toBe(fr.notUnderstood);
    expect(last?.quickReplies).toHaveLength(2);
  });

  it('does not send empty, whitespace-only or over-long messages', async () => {
    const conversation = conversationWith({ maxMessageLength: 10 });
    await conversation.start();
    expect(conversation.send('')).toEqual({ ok: false, reason: 'empty' });
    expect(conversation.send(' \n\t ')).toEqual({ ok: false, reason: 'empty' });
    expect(conversation.send('x'.repeat(11))).toEqual({ ok: false, reason: 'too-long' });
    expect(conversation.messages.value).toHaveLength(1);
    expect(conversation.send('x'.repeat(10)).ok).toBe(true);
  });

  it('refuses to send before the bot is loaded', () => {
    const conversation = conversationWith();
    expect(conversation.send('hello')).toEqual({ ok: false, reason: 'not-ready' });
  });

  it('keeps markup in visitor text as typed (the UI renders it as text)', async () => {
    const conversation = conversationWith();
    await conversation.start();
    conversation.send('<img src=x onerror=alert(1)>');
    expect(conversation.messages.value[1]).toMatchObject({ from: 'user', text: '<img src=x onerror=alert(1)>' });
  });

  it('answers turns in the order they were sent, with the typing indicator in between', async () => {
    vi.useFakeTimers();
    try {
      const conversation = conversationWith({ replyDelayMs: 300 });
      await conversation.start();
      conversation.send('Request a refund');
      conversation.send('opening hours');
      await vi.advanceTimersByTimeAsync(10);
      expect(conversation.typing.value).toBe(true);
      await vi.advanceTimersByTimeAsync(600);
      expect(conversation.typing.value).toBe(false);
      expect(conversation.messages.value.map((m) => m.text)).toEqual([
        'Hello! Pick a topic.',
        'Request a refund',
        'opening hours',
        'Refunds take 30 days.',
        'We are open **9 to 5**.',
      ]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('records feedback on bot messages and tells listeners once per change', async () => {
    const conversation = conversationWith();
    await conversation.start();
    const feedback = vi.fn();
    conversation.on('feedback', feedback);
    const greeting = conversation.messages.value[0]!;
    conversation.rate(greeting.id, 'up');
    conversation.rate(greeting.id, 'up');
    conversation.rate(greeting.id, 'down');
    expect(conversation.messages.value[0]?.rating).toBe('down');
    expect(feedback.mock.calls.map(([event]) => event.rating)).toEqual(['up', 'down']);
  });

  it('restarts with a fresh greeting and drops replies still pending from before', async () => {
    vi.useFakeTimers();
    try {
      const conversation = conversationWith({ replyDelayMs: 300 });
      await conversation.start();
      conversation.send('opening hours');
      conversation.reset();
      await vi.advanceTimersByTimeAsync(1000);
      expect(conversation.messages.value.map((m) => m.text)).toEqual(['Hello! Pick a topic.']);
      expect(conversation.typing.value).toBe(false);
    } finally {
      vi.useRealTimers();
    }
  });

  it('fetches bot.json from the bundle folder', async () => {
    const fetchSpy = vi.fn(fetchReturning(aMenuBot({ name: 'Fetched' })));
    const conversation = conversationWith({ bot: '/models/acme/', baseUrl: 'https://shop.example/page', fetch: fetchSpy });
    await conversation.start();
    expect(fetchSpy.mock.calls[0]?.[0]).toBe('https://shop.example/models/acme/bot.json');
    expect(conversation.botName.value).toBe('Fetched');
  });

  describe('when the bot cannot load', () => {
    it('shows a kind message, logs what failed and where, and recovers on retry', async () => {
      const log = vi.spyOn(console, 'error').mockImplementation(() => undefined);
      let attempts = 0;
      const flaky: typeof fetch = async () => {
        attempts++;
        if (attempts === 1) throw new TypeError('Failed to fetch');
        return new Response(JSON.stringify(aMenuBot()));
      };
      const conversation = conversationWith({ bot: 'https://cdn.example/bot/', fetch: flaky });
      const errors = vi.fn();
      conversation.on('error', errors);
      await conversation.start();
      expect(conversation.status.value).toBe('failed');
      expect(conversation.error.value).toMatchObject({ code: 'bot-load-failed', retryable: true });
      expect(conversation.error.value?.detail).toContain('GET https://cdn.example/bot/bot.json failed: TypeError: Failed to fetch');
      expect(log).toHaveBeenCalledOnce();
      expect(errors).toHaveBeenCalledOnce();

      await conversation.retry();
      expect(conversation.status.value).toBe('ready');
      expect(conversation.error.value).toBeNull();
      expect(conversation.messages.value).toHaveLength(1);
    });

    it.each([
      ['a 404', fetchReturning('nope', { status: 404, statusText: 'Not Found' }), 'answered 404 Not Found', false],
      ['a 503', fetchReturning('busy', { status: 503 }), 'answered 503', true],
      ['invalid JSON', fetchReturning('{"name": '), 'is not valid JSON', false],
      ['an invalid bot', fetchReturning({ name: 'x', greeting: 'hi', menu: [] }), 'bot.json: menu: needs at least one item', false],
    ])('explains %s', async (_case, fetchImpl, detail, retryable) => {
      vi.spyOn(console, 'error').mockImplementation(() => undefined);
      const conversation = conversationWith({ bot: 'https://cdn.example/bot/', fetch: fetchImpl });
      await conversation.start();
      expect(conversation.error.value?.detail).toContain(detail);
      expect(conversation.error.value?.retryable).toBe(retryable);
    });

    it('rejects an inline bot object with the path of the problem', async () => {
      vi.spyOn(console, 'error').mockImplementation(() => undefined);
      const conversation = conversationWith({ bot: { ...aMenuBot(), name: '' } });
      await conversation.start();
      expect(conversation.error.value?.detail).toBe('bot option: name: must not be empty');
    });
  });
});
