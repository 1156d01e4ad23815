/**
 * One visitor's conversation. With a language model and a dialogue in the bundle, typed messages go
 * through the model and the dialogue engine (forms, confirmations, backend actions, handoffs). Without
 * them, or when the model cannot load, it runs buttons-only: the bot offers its menu as quick replies,
 * answers menu choices, and says plainly that typed text is not understood right now.
 */
import { batch, computed, signal } from '@preact/signals-core';
import type { MenuBot } from '../bot/menu-bot';
import { defaults } from '../defaults';
import type { DialogueBot } from '../bot/dialogue-schema';
import { initialState } from '../dialogue/engine';
import { replyFromMenu } from '../dialogue/menu';
import type { DialogueEvent, DialogueState } from '../dialogue/types';
import { runTurn, type Fulfill, type TurnContext } from './dialogue-turn';
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

export function createConversationWithBot(options: ConversationOptions): Conversation {
  const strings = options.strings ?? en;
  const maxMessageLength = options.maxMessageLength ?? defaults.maxMessageLength;
  const replyDelayMs = options.replyDelayMs ?? defaults.replyDelayMs;
  const now = options.now ?? Date.now;
  const events = createEmitter<ConversationEvents>();

  const bot = signal<MenuBot | null>(null);
  /** The bundle's dialogue (flows, slots, responses); null for a menu-only bot. */
  let dialogue: DialogueBot | null = null;
  const newSessionId = () => (globalThis.crypto?.randomUUID?.() ?? `${now().toString(36)}-${Math.random().toString(36).slice(2)}`);
  let dialogueState: DialogueState = initialState(newSessionId(), now());
  const fulfill: Fulfill = options.fulfill ?? (async ({ action }) => ({ ok: false, message: `no backend is set up for "${action}"` }));
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

  function say(menuBot: MenuBot, text: string, quickReplies: QuickReply[] = menuReplies(menuBot)) {
    append({ id: newId(), from: 'bot', text, at: now(), quickReplies });
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
    dialogue = result.dialogue;
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

  type Reply = { text: string; quickReplies?: QuickReply[] };

  /**
   * What the bot answers: the dialogue engine when the bundle has a dialogue and the model works, else
   * the menu (a menu label typed as is, a menu choice), else an honest "not understood".
   */
  async function reply(menuBot: MenuBot, choice: { id: string } | { text: string }, message: ChatMessage): Promise<Reply[]> {
    const engineReady = dialogue !== null && understanding.peek() !== 'failed' && understanding.peek() !== 'none';
    // A button of the engine (`/intent`), or a menu topic that the engine can run as its intent.
    if ('id' in choice && dialogue && (choice.id.startsWith('/') || (engineReady && isDialogueIntent(dialogue, choice.id)))) {
      const payload = choice.id.startsWith('/') ? choice.id : `/${choice.id}`;
      return engineTurn(menuBot, { type: 'button', payload, title: message.text, now: now(), timeZone: visitorTimeZone() });
    }
    const fromMenu = replyFromMenu(menuBot, choice);
    if (!('text' in choice) || (fromMenu.kind === 'answer' && !engineReady)) return [{ text: fromMenu.kind === 'answer' ? fromMenu.text : strings.notUnderstood }];
    const model = options.understanding;
    if (!model || understanding.peek() === 'none') return [{ text: fromMenu.kind === 'answer' ? fromMenu.text : strings.notUnderstood }];
    if (understanding.peek() === 'failed') return [{ text: fromMenu.kind === 'answer' ? fromMenu.text : strings.nluUnavailable }];
    let result;
    try {
      await warmUp();
      if (understanding.peek() === 'failed') return [{ text: fromMenu.kind === 'answer' ? fromMenu.text : strings.nluUnavailable }];
      result = await model.parse(choice.text);
    } catch (error) {
      console.error('[parley] A message could not be understood:', error);
      understanding.value = 'failed';
      return [{ text: strings.nluUnavailable }];
    }
    events.emit('understood', { message, result });
    if (dialogue) {
      const understood = { intent: result.intent, entities: result.entities.map(({ entity, value, start, end }) => ({ entity, value, start, end })) };
      return engineTurn(menuBot, { type: 'message', text: choice.text, parse: result, now: now(), timeZone: visitorTimeZone() }, understood);
    }
    // A model without a dialogue (an older bundle): the intent picks a menu topic.
    const item = menuBot.menu.find((candidate) => candidate.id === result.intent.name);
    return [{ text: item ? item.response : strings.notUnderstood }];
  }

  async function engineTurn(menuBot: MenuBot, event: DialogueEvent, understood: Pick<TurnContext, 'intent' | 'entities'> = {}): Promise<Reply[]> {
    const turnGeneration = generation;
    const outcome = await runTurn(dialogue!, dialogueState, event, fulfill, now, {
      ...understood,
      ...(options.locale && { locale: options.locale }),
      // Said at once, while the request waits for the connection.
      notify: (notice) => {
        if (turnGeneration === generation) say(menuBot, notice === 'offline' ? strings.offlineQueued : strings.backOnline, []);
      },
    });
    dialogueState = outcome.state;
    const extra: Reply[] = [];
    if (outcome.handoff !== null) {
      const transcript = messages.peek();
      events.emit('handoff', { reason: outcome.handoff, sessionId: dialogueState.sessionId, slots: { ...dialogueState.slots }, transcript });
      // The site's backend hears of it too (with the transcript) when there is one.
      if (options.fulfill) {
        const answer = await options
          .fulfill({
          action: 'handoff',
          flow: 'handoff',
          slots: { ...dialogueState.slots },
          sessionId: dialogueState.sessionId,
          intent: understood.intent ?? null,
          entities: understood.entities ?? [],
          ...(options.locale && { locale: options.locale }),
            transcript: transcript.map((m) => ({ from: m.from, text: m.text, at: new Date(m.at).toISOString() })),
          })
          .catch((error: unknown) => {
            console.error('[parley] the handoff could not be sent to the backend:', error);
            return { ok: false as const, message: 'our service could not be reached' };
          });
        if (answer.ok) extra.push(...(answer.messages ?? []).map((text) => ({ text, quickReplies: [] })));
        else extra.push({ text: strings.handoffFailed.replace('{reason}', answer.message ?? 'no answer'), quickReplies: [] });
      }
    }
    if (outcome.ended) events.emit('end', { sessionId: dialogueState.sessionId });
    // Between flows the menu is offered again; inside a form, only the engine's own buttons.
    const idle = !dialogueState.form && !dialogueState.pendingSwitch && !dialogueState.offeringHuman;
    const replies = outcome.replies.map((r, i) => {
      const last = i === outcome.replies.length - 1 && extra.length === 0;
      const buttons = r.buttons.map((b) => ({ id: b.payload.startsWith('/') ? b.payload : `/${b.payload}`, label: b.title }));
      return { text: r.text, quickReplies: buttons.length > 0 ? buttons : last && idle ? menuReplies(menuBot) : [] };
    });
    return [...replies, ...extra];
  }

  function answer(choice: { id: string } | { text: string }, message: ChatMessage) {
    const turnGeneration = generation;
    turns = turns.then(async () => {
      if (turnGeneration !== generation) return;
      typing.value = true;
      const [replies] = await Promise.all([bot.value ? reply(bot.value, choice, message) : Promise.resolve<Reply[]>([{ text: strings.notUnderstood }]), pause(replyDelayMs)]);
      typing.value = false;
      const menuBot = bot.value;
      if (turnGeneration !== generation || !menuBot) return;
      batch(() => {
        for (const r of replies) say(menuBot, r.text, r.quickReplies);
      });
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
      dialogueState = initialState(newSessionId(), now());
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

function isDialogueIntent(dialogue: DialogueBot, intent: string): boolean {
  return intent in dialogue.rules || Object.values(dialogue.flows).some((flow) => flow.intent === intent);
}

function visitorTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}
