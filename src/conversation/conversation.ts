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
import { callBackend, runTurn, type Fulfill, type TurnContext } from './dialogue-turn';
import { createSessionSync, type SessionSync } from './session-sync';
import type { Latest } from '../store/session-store';
import { en } from '../i18n/en';
import { createEmitter } from './emitter';
import { loadBot } from './load-bot';
import { isBlank } from '../text';
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
  const persistent = signal(options.persistence !== undefined);
  const error = signal<ConversationError | null>(null);
  const botName = computed(() => bot.value?.name ?? '');
  const quickReplies = computed<readonly QuickReply[]>(() => {
    const last = messages.value.at(-1);
    return last?.from === 'bot' ? (last.quickReplies ?? []) : [];
  });

  // ---- persistence: the store, shared by the visitor's tabs ----
  let sync: SessionSync | null = null;
  const botKey = typeof options.bot === 'string' ? new URL(options.bot, options.baseUrl ?? globalThis.location?.href ?? 'http://localhost/').href : options.bot.name;
  /** Ids of the messages the store holds: this tab shows them first, in the store's order. */
  let savedIds = new Set<string>();
  /** This tab's greeting: shown at once, stored only once the visitor says something. */
  let greetingId: string | null = null;
  /** Notices shown on load ("this chat can't be saved"), stored with the first turn. */
  let notices: ChatMessage[] = [];
  /** Events of the turn in progress, stored with it. */
  let turnEvents: Array<{ type: string; detail?: string }> = [];
  /** What the bot said while the turn waited (offline, back online), stored with the turn. */
  let turnNotices: ChatMessage[] = [];
  let turnInProgress = false;
  const expiryMs = () => (dialogue?.settings.session_expiry_minutes ?? 30) * 60_000;

  /** Takes the stored conversation (another tab's turns, or a reload), keeping what is not saved yet. */
  function adopt(latest: Latest): void {
    if (!latest || latest.corrupt || latest.messages.length === 0) return;
    // This tab's own greeting gives way to the stored conversation; what the visitor typed and is
    // not stored yet (turns still waiting for their go) stays, after it.
    const stored = new Set(latest.messages.map((m) => m.id));
    const unsaved = messages.peek().filter((m) => !stored.has(m.id) && !savedIds.has(m.id) && m.id !== greetingId);
    messages.value = [...latest.messages, ...unsaved];
    savedIds = stored;
    greetingId = null;
    dialogueState = latest.session.state;
  }

  async function refresh(): Promise<void> {
    if (sync) adopt(await sync.store.latest(botKey, expiryMs()));
  }

  /** Stores one turn: its messages (with the greeting, the first time) and the engine state. */
  async function flush(turnMessages: readonly ChatMessage[]): Promise<void> {
    const waitNotices = turnNotices;
    turnNotices = [];
    if (!sync) return;
    // Notices said while the turn waited come after the visitor's message and before the answers.
    const [first, ...rest] = turnMessages;
    const ordered = first?.from === 'user' ? [first, ...waitNotices, ...rest] : [...waitNotices, ...turnMessages];
    const greeting = greetingId === null ? undefined : messages.peek().find((m) => m.id === greetingId);
    const fresh = [...(greeting ? [greeting] : []), ...notices, ...ordered].filter((m) => !savedIds.has(m.id));
    notices = [];
    const events = turnEvents;
    turnEvents = [];
    if (fresh.length === 0 && events.length === 0) return;
    await sync.save({ bot: botKey, state: dialogueState, messages: fresh, events });
    for (const m of fresh) savedIds.add(m.id);
    greetingId = null;
    persistent.value = sync.store.health().persistent;
    // This tab's view in the store's order: what is stored first, turns still waiting after it.
    const all = messages.peek();
    messages.value = [...all.filter((m) => savedIds.has(m.id)), ...all.filter((m) => !savedIds.has(m.id))];
  }

  let nextId = 0;
  let loading: Promise<void> | null = null;
  /** Bumped by reset/dispose so that replies still pending from an earlier transcript are dropped. */
  let generation = 0;
  /** Turns are answered one after another, in the order they were sent. */
  let turns: Promise<void> = Promise.resolve();
  const timers = new Set<ReturnType<typeof setTimeout>>();

  // Unique across the visitor's tabs, which share one transcript.
  const idPrefix = Math.random().toString(36).slice(2, 8);
  const newId = () => `${now().toString(36)}-${idPrefix}-${(nextId++).toString(36)}`;
  const menuReplies = (menuBot: MenuBot): QuickReply[] => menuBot.menu.map(({ id, label }) => ({ id, label }));

  function append(message: ChatMessage) {
    messages.value = [...messages.value, message];
    events.emit('message', message);
  }

  function say(menuBot: MenuBot, text: string, quickReplies: QuickReply[] = menuReplies(menuBot)): ChatMessage {
    const message: ChatMessage = { id: newId(), from: 'bot', text, at: now(), quickReplies };
    append(message);
    return message;
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
    greetingId = say(menuBot, options.greeting ?? menuBot.greeting).id;
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
    const stored = await openPersistence();
    batch(() => {
      bot.value = result.bot;
      status.value = 'ready';
      if (result.hasModel && options.understanding && understanding.value === 'none') understanding.value = 'idle';
      if (stored && !stored.corrupt && stored.messages.length > 0) adopt(stored);
      else if (messages.value.length === 0) greet(result.bot);
      if (stored?.corrupt) notices.push(say(result.bot, strings.notRestored));
      if (sync && !sync.store.health().persistent) notices.push(say(result.bot, strings.notPersisted, []));
    });
    // Back in the middle of a form: the engine recalls where it was ("Back to your refund: ...").
    if (stored && !stored.corrupt && dialogue && dialogueState.form) {
      const menuBot = result.bot;
      void sync!.exclusive(async () => {
        const replies = await engineTurn(menuBot, { type: 'resume', now: now() });
        await flush(batch(() => replies.map((r) => say(menuBot, r.text, r.quickReplies))));
      });
    }
    events.emit('ready', { botName: result.bot.name });
    if (warmRequested) void warmUp();
  }

  /** Opens the store (never throws: it falls back to memory), purges old conversations, finds the last one. */
  async function openPersistence(): Promise<Latest> {
    if (!options.persistence || sync) return null;
    const store = await options.persistence.store;
    sync = createSessionSync({ store, bot: botKey, channel: options.persistence.channel ?? null, locks: options.persistence.locks ?? null });
    sync.onRemote((type) => {
      if (type === 'forget') return resetLocally();
      // A turn of ours in progress has already read the store under the lock; it must not be overwritten.
      if (!turnInProgress) void refresh();
    });
    await store.purge(now() - (options.persistence.retentionDays ?? 30) * 24 * 3600_000);
    const latest = await store.latest(botKey, expiryMs());
    persistent.value = store.health().persistent;
    return latest;
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
        if (info.stage === 'full') return void events.emit('modelReady', info);
        events.emit('lightReady', info);
        // The light stage answers until the full model is warm; a failed full model leaves it answering.
        model.onFullStage?.((event) => {
          if (event.ok) events.emit('modelReady', event.info);
        });
      },
      (error: unknown) => {
        understanding.value = 'failed';
        console.error('[parley] The language model could not load; typed messages get the menu instead.', error);
      },
    );
  }

  type Reply = { text: string; quickReplies?: QuickReply[] };
  let parseTimeoutsInARow = 0;

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
      // A loaded model that is only slow (a busy phone) keeps its chance; a second miss in a row, a
      // crash, or a model that never loaded ends it.
      if (isTimeout(error) && understanding.peek() === 'ready' && ++parseTimeoutsInARow < PARSE_TIMEOUTS_BEFORE_GIVING_UP) {
        console.warn('[parley] The language model took too long to answer; the next message tries again.', error);
        return [{ text: strings.nluSlow }];
      }
      console.error('[parley] A message could not be understood:', error);
      understanding.value = 'failed';
      return [{ text: strings.nluUnavailable }];
    }
    parseTimeoutsInARow = 0;
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
    const context: TurnContext = {
      ...understood,
      ...(options.locale && { locale: options.locale }),
      // Said at once, while the request waits for the connection.
      notify: (notice) => {
        if (turnGeneration === generation) turnNotices.push(say(menuBot, notice === 'offline' ? strings.offlineQueued : strings.backOnline, []));
      },
    };
    const outcome = await runTurn(dialogue!, dialogueState, event, fulfill, now, context);
    dialogueState = outcome.state;
    const extra: Reply[] = [];
    if (outcome.handoff !== null) {
      turnEvents.push({ type: 'handoff', detail: outcome.handoff });
      const transcript = messages.peek();
      events.emit('handoff', { reason: outcome.handoff, sessionId: dialogueState.sessionId, slots: { ...dialogueState.slots }, transcript });
      if (options.fulfill) extra.push(...(await handoffToBackend(transcript, context)));
    }
    if (outcome.ended) {
      turnEvents.push({ type: 'end' });
      events.emit('end', { sessionId: dialogueState.sessionId });
    }
    // Between flows the menu is offered again; inside a form, only the engine's own buttons.
    const idle = !dialogueState.form && !dialogueState.pendingSwitch && !dialogueState.offeringHuman;
    const replies = outcome.replies.map((r, i) => {
      const last = i === outcome.replies.length - 1 && extra.length === 0;
      const buttons = r.buttons.map((b) => ({ id: b.payload.startsWith('/') ? b.payload : `/${b.payload}`, label: b.title }));
      return { text: r.text, quickReplies: buttons.length > 0 ? buttons : last && idle ? menuReplies(menuBot) : [] };
    });
    return [...replies, ...extra];
  }

  /** The site's backend hears of a handoff too, with the transcript; what it answers is shown. */
  async function handoffToBackend(transcript: readonly ChatMessage[], context: TurnContext): Promise<Reply[]> {
    const answer = await callBackend(
      options.fulfill!,
      {
        action: 'handoff',
        flow: 'handoff',
        slots: { ...dialogueState.slots },
        sessionId: dialogueState.sessionId,
        intent: context.intent ?? null,
        entities: context.entities ?? [],
        ...(context.locale && { locale: context.locale }),
        transcript: transcript.map((m) => ({ from: m.from, text: m.text, at: new Date(m.at).toISOString() })),
      },
      context.notify,
    );
    if (!answer.ok) return [{ text: strings.handoffFailed.replace('{reason}', answer.message ?? 'no answer'), quickReplies: [] }];
    return (answer.messages ?? []).map((text) => ({ text, quickReplies: [] }));
  }

  function answer(choice: { id: string } | { text: string }, message: ChatMessage) {
    const turnGeneration = generation;
    const turn = async () => {
      if (turnGeneration !== generation) return;
      turnInProgress = true;
      try {
        // Start from what the store holds: another tab may have moved the conversation on.
        await refresh();
        typing.value = true;
        const [replies] = await Promise.all([bot.value ? reply(bot.value, choice, message) : Promise.resolve<Reply[]>([{ text: strings.notUnderstood }]), pause(replyDelayMs)]);
        typing.value = false;
        const menuBot = bot.value;
        if (turnGeneration !== generation || !menuBot) return;
        const said = batch(() => replies.map((r) => say(menuBot, r.text, r.quickReplies)));
        await flush([message, ...said]);
      } finally {
        turnInProgress = false;
      }
    };
    turns = turns.then(() => (sync ? sync.exclusive(turn) : turn())).catch((error: unknown) => console.error('[parley] a turn failed:', error));
  }

  function acceptUserText(text: string): SendResult {
    if (!bot.value || status.value !== 'ready') return { ok: false, reason: 'not-ready' };
    if (isBlank(text)) return { ok: false, reason: 'empty' };
    if (text.length > maxMessageLength) return { ok: false, reason: 'too-long' };
    const message: ChatMessage = { id: newId(), from: 'user', text, at: now() };
    append(message);
    return { ok: true, message };
  }

  function resetLocally(): void {
    generation++;
    dialogueState = initialState(newSessionId(), now());
    savedIds = new Set();
    turnEvents = [];
    turnNotices = [];
    batch(() => {
      typing.value = false;
      messages.value = [];
      if (bot.value) greet(bot.value);
    });
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
      resetLocally();
      // The new session is stored at once, so a reload does not bring the old one back.
      if (sync) void sync.exclusive(() => flush([]));
    },
    async forget() {
      generation++;
      await sync?.store.forget();
      await options.persistence?.clearCaches?.().catch((error: unknown) => console.error('[parley] cached data could not be deleted:', error));
      sync?.announceForget();
      resetLocally();
    },
    persistent,
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

/** Parse timeouts in a row after which typed messages get the menu for the rest of the conversation. */
const PARSE_TIMEOUTS_BEFORE_GIVING_UP = 2;

/** The NLU client rejects a late answer with `code: 'timeout'` (see Understanding.parse). */
function isTimeout(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === 'timeout';
}
