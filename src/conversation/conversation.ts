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
import { fillPlaceholders } from '../dialogue/responses';
import type { DialogueEvent, DialogueState } from '../dialogue/types';
import { callBackend, runTurn, type Fulfill, type TurnContext } from './dialogue-turn';
import { createSessionSync, type SessionSync } from './session-sync';
import type { Latest, SessionStore } from '../store/session-store';
import { fitTranscript } from '../fulfillment/transcript';
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
  /** The turn this tab stored last: the store's copy of it may be redacted, this tab keeps its own. */
  let savedState: { sessionId: string; turn: number } | null = null;
  /** Whether the store kept the conversation on the device at the last look (a change is told). */
  let wasPersistent = true;
  /** Aborted by reset, forget and dispose: a backend call still out is given up and never sent later. */
  let calls = new AbortController();
  const expiryMs = () => (dialogue?.settings.session_expiry_minutes ?? 30) * 60_000;

  /** Takes the stored conversation (another tab's turns, or a reload), keeping what is not saved yet. */
  function adopt(latest: Latest): void {
    if (!latest || latest.corrupt || latest.messages.length === 0) return;
    // This tab's own greeting gives way to the stored conversation; what the visitor typed and is
    // not stored yet (turns still waiting for their go) stays, after it.
    const stored = new Set(latest.messages.map((m) => m.id));
    const shown = messages.peek();
    // What this tab shows keeps its own text: the stored copy may be redacted, the visitor still sees theirs.
    const mine = new Map(shown.map((m) => [m.id, m]));
    const unsaved = shown.filter((m) => !stored.has(m.id) && !savedIds.has(m.id) && m.id !== greetingId);
    messages.value = [...latest.messages.map((m) => mine.get(m.id) ?? m), ...unsaved];
    savedIds = stored;
    greetingId = null;
    const state = latest.session.state;
    const ours = savedState !== null && state.sessionId === savedState.sessionId && state.turn === savedState.turn && dialogueState.sessionId === state.sessionId;
    if (!ours) dialogueState = state;
  }

  /** Reads what the store holds; false when this tab's stored session was deleted (forgotten in another tab). */
  async function refresh(): Promise<boolean> {
    if (!sync) return true;
    const latest = await sync.store.latest(botKey, expiryMs());
    // Gone, not only expired: another tab forgot it, and its message may not have arrived yet.
    if (latest === null && savedIds.size > 0 && (await sync.store.latest(botKey, Infinity)) === null) {
      resetLocally();
      return false;
    }
    adopt(latest);
    return true;
  }

  /**
   * Stores one turn: its messages (with the greeting, the first time) and the engine state. `always`:
   * the state is stored even with nothing new to say (written ahead of a backend call).
   */
  async function flush(turnMessages: readonly ChatMessage[], always = false): Promise<void> {
    const waitNotices = turnNotices;
    turnNotices = [];
    const current = sync;
    if (!current) return;
    // Notices said while the turn waited come after the visitor's message and before the answers.
    const [first, ...rest] = turnMessages;
    const ordered = first?.from === 'user' ? [first, ...waitNotices, ...rest] : [...waitNotices, ...turnMessages];
    const greeting = greetingId === null ? undefined : messages.peek().find((m) => m.id === greetingId);
    const fresh = [...(greeting ? [greeting] : []), ...notices, ...ordered].filter((m) => !savedIds.has(m.id));
    notices = [];
    const events = turnEvents;
    turnEvents = [];
    if (fresh.length === 0 && events.length === 0 && !always) return;
    await current.save({ bot: botKey, state: dialogueState, messages: fresh, events });
    for (const m of fresh) savedIds.add(m.id);
    savedState = { sessionId: dialogueState.sessionId, turn: dialogueState.turn };
    greetingId = null;
    // This tab's view in the store's order: what is stored first, turns still waiting after it.
    const all = messages.peek();
    messages.value = [...all.filter((m) => savedIds.has(m.id)), ...all.filter((m) => !savedIds.has(m.id))];
    await noticeHealth(current.store);
  }

  /**
   * The store gave up on the device (quota, a failure at commit) and went on in memory with this
   * turn only: it is given the whole conversation so far, so the transcript does not vanish on the
   * next turn, and the visitor is told it will not be kept.
   */
  async function noticeHealth(store: SessionStore): Promise<void> {
    const nowPersistent = store.health().persistent;
    persistent.value = nowPersistent;
    if (nowPersistent || !wasPersistent) return;
    wasPersistent = false;
    const menuBot = bot.peek();
    if (menuBot) say(menuBot, strings.notPersisted, []);
    const all = messages.peek();
    await store.saveTurn({ bot: botKey, state: dialogueState, messages: all, replace: true });
    savedIds = new Set(all.map((m) => m.id));
  }

  let nextId = 0;
  let disposed = false;
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
    const loadGeneration = generation;
    let stored = await openPersistence();
    // Forgotten while the store was read: what was read is gone, and must not come back.
    if (loadGeneration !== generation) stored = null;
    batch(() => {
      bot.value = result.bot;
      status.value = 'ready';
      if (result.hasModel && options.understanding && understanding.value === 'none') understanding.value = 'idle';
      if (stored && !stored.corrupt && stored.messages.length > 0) adopt(stored);
      else if (messages.value.length === 0) greet(result.bot);
      if (stored?.corrupt) notices.push(say(result.bot, strings.notRestored));
      if (sync && !sync.store.health().persistent) {
        wasPersistent = false;
        notices.push(say(result.bot, strings.notPersisted, []));
      }
    });
    // Back in the middle of a form: the engine recalls where it was ("Back to your refund: ..."),
    // and a backend call that was out when the page closed is made again, with its request id.
    if (stored && !stored.corrupt && dialogue && dialogueState.form) {
      const menuBot = result.bot;
      const turnGeneration = generation;
      turns = turns.then(() =>
        sync!.exclusive(async () => {
          if (turnGeneration !== generation) return;
          await refresh();
          if (!dialogueState.form) return;
          const replies = await engineTurn(menuBot, { type: 'resume', now: now() });
          if (turnGeneration !== generation) return;
          await flush(batch(() => replies.map((r) => say(menuBot, r.text, r.quickReplies))));
        }),
      ).catch((error: unknown) => console.error('[parley] the conversation could not be resumed:', error));
    }
    events.emit('ready', { botName: result.bot.name });
    if (warmRequested) void warmUp();
  }

  let connecting: Promise<SessionSync | null> | null = null;

  /** The store and the other tabs (needs no bot: forget() works before, or without, a loaded bot). */
  function connect(): Promise<SessionSync | null> {
    const persistence = options.persistence;
    if (!persistence || disposed) return Promise.resolve(null);
    connecting ??= Promise.resolve(persistence.store).then((store) => {
      if (disposed) {
        store.close();
        return null;
      }
      sync = createSessionSync({ store, bot: botKey, channel: persistence.channel ?? null, siteChannel: persistence.siteChannel ?? null, locks: persistence.locks ?? null });
      sync.onRemote((type) => {
        if (type === 'forget') return resetLocally();
        // A turn of ours in progress has already read the store under the lock; it must not be overwritten.
        if (!turnInProgress) void refresh();
      });
      return sync;
    });
    return connecting;
  }

  /** Opens the store (never throws: it falls back to memory), purges old conversations, finds the last one. */
  async function openPersistence(): Promise<Latest> {
    const connected = await connect();
    if (!connected || !options.persistence) return null;
    const store = connected.store;
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
      return engineTurn(menuBot, { type: 'button', payload, title: message.text, now: now(), timeZone: visitorTimeZone() }, {}, message);
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
      return engineTurn(menuBot, { type: 'message', text: choice.text, parse: result, now: now(), timeZone: visitorTimeZone() }, understood, message);
    }
    // A model without a dialogue (an older bundle): the intent picks a menu topic.
    const item = menuBot.menu.find((candidate) => candidate.id === result.intent.name);
    return [{ text: item ? item.response : strings.notUnderstood }];
  }

  /** `message`: the visitor's, stored with the state ahead of a backend call. */
  async function engineTurn(menuBot: MenuBot, event: DialogueEvent, understood: Pick<TurnContext, 'intent' | 'entities'> = {}, message?: ChatMessage): Promise<Reply[]> {
    const turnGeneration = generation;
    const context: TurnContext = {
      ...understood,
      ...(options.locale && { locale: options.locale }),
      signal: calls.signal,
      deadlineMs: options.fulfillmentDeadlineMs ?? defaults.fulfillmentDeadlineMs,
      // Said at once, while the request waits for the connection.
      notify: (notice) => {
        if (turnGeneration === generation) turnNotices.push(say(menuBot, notice === 'offline' ? strings.offlineQueued : strings.backOnline, []));
      },
      // Write-ahead: the call and its request id are stored before it goes out, so a reload makes
      // the same call again rather than a new one.
      beforeCall: async (state) => {
        if (turnGeneration !== generation) return;
        dialogueState = state;
        await flush(message ? [message] : [], true);
      },
    };
    const outcome = await runTurn(dialogue!, dialogueState, event, fulfill, now, context);
    if (outcome.cancelled || turnGeneration !== generation) return [];
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
        // The newest messages that fit the backend's request limit.
        transcript: fitTranscript(transcript.map((m) => ({ from: m.from, text: m.text, at: new Date(m.at).toISOString() }))),
      },
      context,
    );
    // The backend's message is text, never markdown of the bot's (nor a `$&` pattern).
    if (!answer.ok) return [{ text: fillPlaceholders(strings.handoffFailed, { reason: answer.message ?? 'no answer' }), quickReplies: [] }];
    return (answer.messages ?? []).map((text) => ({ text, quickReplies: [] }));
  }

  function answer(choice: { id: string } | { text: string }, message: ChatMessage) {
    const turnGeneration = generation;
    const turn = async () => {
      if (turnGeneration !== generation) return;
      turnInProgress = true;
      try {
        // Start from what the store holds: another tab may have moved the conversation on.
        if (!(await refresh())) return;
        typing.value = true;
        // A call another tab left out (it closed mid-call) is finished first, with its request id.
        const resumed = bot.value && dialogue && dialogueState.form?.waiting ? await engineTurn(bot.value, { type: 'resume', now: now() }) : [];
        if (turnGeneration !== generation) return;
        const [answered] = await Promise.all([bot.value ? reply(bot.value, choice, message) : Promise.resolve<Reply[]>([{ text: strings.notUnderstood }]), pause(replyDelayMs)]);
        const replies = [...resumed, ...answered];
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
    calls.abort();
    calls = new AbortController();
    dialogueState = initialState(newSessionId(), now());
    savedIds = new Set();
    savedState = null;
    turnEvents = [];
    turnNotices = [];
    batch(() => {
      typing.value = false;
      messages.value = [];
      if (bot.value) greet(bot.value);
    });
  }

  /** See Conversation.forget. */
  async function forget(): Promise<void> {
    // Nothing said from now on belongs to the old conversation; a call still out is given up.
    resetLocally();
    const failures: unknown[] = [];
    const connected = await connect().catch((error: unknown) => (failures.push(error), null));
    if (connected) {
      // Alone: no turn of any bot in any tab is half-way (it would save after the clear).
      await connected.alone(() => connected.store.forget()).catch((error: unknown) => failures.push(error));
      connected.announceForget();
    }
    await options.clearCaches?.().catch((error: unknown) => failures.push(error));
    // What the conversation held meanwhile (a greeting, a reply) is of the new, empty conversation.
    resetLocally();
    if (failures.length > 0) {
      for (const failure of failures) console.error('[parley] forget: something stored could not be deleted:', failure);
      const detail = `Parley could not delete everything stored on this device: ${failures.map((f) => (f instanceof Error ? f.message : String(f))).join('; ')}`;
      // The visitor is told too (the widget's banner, with "try again"), not only the page.
      const failure: ConversationError = { code: 'forget-failed', message: strings.forgetFailed, detail, retryable: true };
      error.value = failure;
      events.emit('error', failure);
      throw new Error(detail);
    }
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
    forget,
    persistent,
    retry() {
      if (error.peek()?.code === 'forget-failed') {
        error.value = null;
        return forget().catch(() => undefined);
      }
      return start();
    },
    dismissError() {
      error.value = null;
    },
    on: events.on,
    dispose() {
      generation++;
      disposed = true;
      // A closed widget sends nothing more: a queued call is given up (its id stays stored for a reload).
      calls.abort();
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      events.clear();
      sync?.close();
      sync = null;
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
