/**
 * The buttons-only conversation: the bot greets, offers its menu as quick replies, answers menu
 * choices, and says plainly that free text is not understood yet. It stays in the product as the
 * fallback when the language model cannot load.
 */
import { batch, computed, signal } from '@preact/signals-core';
import type { MenuBot } from '../bot/menu-bot';
import { defaults } from '../defaults';
import { replyFromMenu } from '../dialogue/menu';
import { en } from '../i18n/en';
import { createEmitter } from './emitter';
import { loadBot } from './load-bot';
import type {
  ChatMessage,
  Conversation,
  ConversationError,
  ConversationEvents,
  ConversationOptions,
  ConversationStatus,
  QuickReply,
  SendResult,
  UnderstandingState,
} from './types';

export function createButtonsOnlyConversation(options: ConversationOptions): Conversation {
  const strings = options.strings ?? en;
  const maxMessageLength = options.maxMessageLength ?? defaults.maxMessageLength;
  const replyDelayMs = options.replyDelayMs ?? defaults.replyDelayMs;
  const now = options.now ?? Date.now;
  const events = createEmitter<ConversationEvents>();

  const bot = signal<MenuBot | null>(null);
  const understanding = signal<UnderstandingState>('none');
  const messages = signal<readonly ChatMessage[]>([]);
  const typing = signal(false);
  const status = signal<ConversationStatus>('idle');
  const error = signal<ConversationError | null>(null);
  const botName = computed(() => bot.value?.name ?? '');
  const quickReplies = computed<readonly QuickReply[]>(() => {
    const last = messages.value.at(-1);
    return last?.from === 'bot' ? (last.quickReplies ?? []) : [];
  });

  let nextId = 0;
  let loading: Promise<void> | null = null;
  /** Bumped by reset/dispose so that replies still pending from an earlier transcript are dropped. */
  let generation = 0;
  /** Turns are answered one after another, in the order they were sent. */
  let turns: Promise<void> = Promise.resolve();
  const timers = new Set<ReturnType<typeof setTimeout>>();

  const newId = () => `${now().toString(36)}-${(nextId++).toString(36)}`;
  const menuReplies = (menuBot: MenuBot): QuickReply[] => menuBot.menu.map(({ id, label }) => ({ id, label }));

  function append(message: ChatMessage) {
    messages.value = [...messages.value, message];
    events.emit('message', message);
  }

  function say(menuBot: MenuBot, text: string) {
    append({ id: newId(), from: 'bot', text, at: now(), quickReplies: menuReplies(menuBot) });
  }

  function pause(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });
  }

  function greet(menuBot: MenuBot) {
    say(menuBot, options.greeting ?? menuBot.greeting);
  }

  async function load(): Promise<void> {
    status.value = 'loading';
    error.value = null;
    const result = await loadBot(options.bot, {
      fetch: options.fetch ?? globalThis.fetch.bind(globalThis),
      baseUrl: options.baseUrl ?? globalThis.location?.href ?? 'http://localhost/',
      timeoutMs: options.botLoadTimeoutMs ?? defaults.botLoadTimeoutMs,
    });
    if (!result.ok) {
      const failure: ConversationError = {
        code: 'bot-load-failed',
        message: strings.loadFailed,
        detail: result.detail,
        retryable: result.retryable,
      };
      batch(() => {
        status.value = 'failed';
        error.value = failure;
      });
      console.error(`[parley] the bot could not be loaded:\n${result.detail}`);
      events.emit('error', failure);
      return;
    }
    batch(() => {
      bot.value = result.bot;
      status.value = 'ready';
      if (result.hasModel && options.understanding && understanding.value === 'none') understanding.value = 'idle';
      if (messages.value.length === 0) greet(result.bot);
    });
    events.emit('ready', { botName: result.bot.name });
    if (warmRequested) void warmUp();
  }

  function start(): Promise<void> {
    if (status.value === 'ready') return Promise.resolve();
    loading ??= load().finally(() => {
      loading = null;
    });
    return loading;
  }

  /** Set when warming was asked for before the bot (and so whether it has a model) was known. */
  let warmRequested = false;

  function warmUp(): Promise<void> {
    const model = options.understanding;
    if (!model || understanding.peek() !== 'idle') return Promise.resolve();
    understanding.value = 'loading';
    return model.load().then(
      (info) => {
        if (understanding.peek() === 'loading') understanding.value = 'ready';
        events.emit('modelReady', info);
      },
      (error: unknown) => {
        understanding.value = 'failed';
        console.error('[parley] The language model could not load; typed messages get the menu instead.', error);
      },
    );
  }

  /** A typed message: a menu label as typed, else what the language model understood, else the menu. */
  async function reply(menuBot: MenuBot, choice: { id: string } | { text: string }, message: ChatMessage): Promise<string> {
    const fromMenu = replyFromMenu(menuBot, choice);
    if (fromMenu.kind === 'answer' || !('text' in choice)) return fromMenu.kind === 'answer' ? fromMenu.text : strings.notUnderstood;
    const model = options.understanding;
    if (!model || understanding.peek() === 'none') return strings.notUnderstood;
    if (understanding.peek() === 'failed') return strings.nluUnavailable;
    try {
      await warmUp();
      if (understanding.peek() === 'failed') return strings.nluUnavailable;
      const result = await model.parse(choice.text);
      events.emit('understood', { message, result });
      const item = menuBot.menu.find((candidate) => candidate.id === result.intent.name);
      return item ? item.response : strings.notUnderstood;
    } catch (error) {
      console.error('[parley] A message could not be understood:', error);
      understanding.value = 'failed';
      return strings.nluUnavailable;
    }
  }

  function answer(choice: { id: string } | { text: string }, message: ChatMessage) {
    const turnGeneration = generation;
    turns = turns.then(async () => {
      if (turnGeneration !== generation) return;
      typing.value = true;
      const [text] = await Promise.all([bot.value ? reply(bot.value, choice, message) : Promise.resolve(strings.notUnderstood), pause(replyDelayMs)]);
      typing.value = false;
      const menuBot = bot.value;
      if (turnGeneration !== generation || !menuBot) return;
      say(menuBot, text);
    });
  }

  function acceptUserText(text: string): SendResult {
    if (!bot.value || status.value !== 'ready') return { ok: false, reason: 'not-ready' };
    if (text.trim() === '') return { ok: false, reason: 'empty' };
    if (text.length > maxMessageLength) return { ok: false, reason: 'too-long' };
    const message: ChatMessage = { id: newId(), from: 'user', text, at: now() };
    append(message);
    return { ok: true, message };
  }

  return {
    botName,
    messages,
    quickReplies,
    typing,
    status,
    error,
    maxMessageLength,
    start,
    understanding,
    warmUp() {
      warmRequested = true;
      void warmUp();
    },
    send(text) {
      const result = acceptUserText(text);
      if (result.ok) answer({ text }, result.message);
      return result;
    },
    choose(quickReply) {
      const result = acceptUserText(quickReply.label);
      if (result.ok) answer({ id: quickReply.id }, result.message);
      return result;
    },
    rate(messageId, rating) {
      const index = messages.value.findIndex((message) => message.id === messageId && message.from === 'bot');
      const original = messages.value[index];
      if (!original || original.rating === rating) return;
      const rated = { ...original, rating };
      messages.value = messages.value.map((message, i) => (i === index ? rated : message));
      events.emit('feedback', { message: rated, rating });
    },
    reset() {
      generation++;
      batch(() => {
        typing.value = false;
        messages.value = [];
        if (bot.value) greet(bot.value);
      });
    },
    retry() {
      return start();
    },
    dismissError() {
      error.value = null;
    },
    on: events.on,
    dispose() {
      generation++;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      events.clear();
    },
  };
}
