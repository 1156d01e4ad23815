/**
 * ui/ owns what the visitor sees: Preact components over signals, the styles and the shadow-DOM
 * host. This file mounts one widget and hands back its control handle; instances share nothing.
 */
import { signal } from '@preact/signals';
import { render } from 'preact';
import { createConversation, type Conversation, type ConversationEvents, type SendResult } from '../conversation';
import { createEmitter } from '../conversation/emitter';
import { defaults } from '../defaults';
import { locales, pickLocale } from '../i18n';
import { App } from './components/App';
import { createMarkdownRenderer } from './markdown';
import type { Mode, WidgetModel } from './model';
import type { WidgetOptions } from './options';
import { adoptStyles } from './styles/adopt';
import launcherCss from './styles/launcher.css?inline';
import widgetCss from './styles/widget.css?inline';
import { applyTheme } from './theme';
import { botFileUrl } from '../conversation/load-bot';
import type { Understanding } from '../conversation/types';
import type { Backend } from '../nlu/runtime/protocol';
import type { NluPolicy } from '../nlu/stage-policy';
import { lazyFulfillmentClient } from '../fulfillment/lazy';
import { HOST_TAG } from './host';
import { browserSyncParts } from '../conversation/session-sync';

export interface MountOptions extends WidgetOptions {
  /** Render the chat inline, filling this element, instead of as a floating launcher. */
  target?: HTMLElement;
}

export interface WidgetEvents extends ConversationEvents {
  open: undefined;
  close: undefined;
}

export interface ParleyHandle {
  open(): void;
  close(): void;
  /** Sends a message as the visitor, once the bot is ready. */
  send(text: string): Promise<SendResult>;
  /** Clears the transcript and greets again. */
  reset(): void;
  /** Deletes everything Parley stored for the visitor (conversations, cached model), then starts afresh. */
  forget(): Promise<void>;
  /** Removes the widget from the page and stops everything it runs. */
  destroy(): void;
  on<K extends keyof WidgetEvents>(event: K, listener: (payload: WidgetEvents[K]) => void): () => void;
  readonly conversation: Conversation;
}


/** Mounts a widget: floating launcher by default, inline when `target` is given. */
export function mount(options: MountOptions): ParleyHandle {
  assertOptions(options);
  const mode: Mode = options.target ? 'inline' : 'floating';
  const host = document.createElement(HOST_TAG);
  (options.target ?? document.body).append(host);
  const shadow = host.attachShadow({ mode: 'open' });
  return mountInShadow(host, shadow, options, { mode, focusLauncher: false });
}

/** Renders into a host the caller prepared (the script-tag loader's, which already shows a launcher). */
/** The store (its own chunk, fetched with the widget), the tabs' channel and locks, and the cache to clear. */
function persistence(botUrl: string, settings: WidgetOptions['persist']): NonNullable<Parameters<typeof createConversation>[0]['persistence']> {
  const refine = typeof settings === 'object' ? settings : {};
  return {
    store: import('../store/session-store').then(({ openSessionStore }) => openSessionStore({ redact: refine.redact ?? false, locale: navigator.language })),
    ...browserSyncParts(botUrl),
    ...(refine.retentionDays !== undefined && { retentionDays: refine.retentionDays }),
  };
}

export function mountInShadow(
  host: HTMLElement,
  shadow: ShadowRoot,
  options: WidgetOptions,
  { mode, focusLauncher }: { mode: Mode; focusLauncher: boolean },
): ParleyHandle {
  assertOptions(options);
  host.dataset.mode = mode;
  applyTheme(host, options);
  adoptStyles(shadow, [launcherCss, widgetCss]);

  const locale = pickLocale(options.locale, navigator.languages ?? [navigator.language]);
  const strings = locales[locale];
  const understanding =
    typeof options.bot === 'string' && options.nlu !== false
      ? lazyUnderstanding(options.bot, options.assetsUrl ?? new URL('.', import.meta.url).href, options.nluBackend, options.nlu === true || options.nlu === undefined ? 'auto' : options.nlu)
      : undefined;
  const fulfill = options.fulfill ?? (options.fulfillmentUrl ? lazyFulfillmentClient(options.fulfillmentUrl, options.fulfillment) : undefined);
  const conversation = createConversation({
    bot: options.bot,
    ...(understanding && { understanding }),
    strings,
    ...(options.greeting !== undefined && { greeting: options.greeting }),
    maxMessageLength: options.maxMessageLength ?? defaults.maxMessageLength,
    replyDelayMs: options.replyDelayMs ?? defaults.replyDelayMs,
    ...(fulfill && { fulfill }),
    // forget() clears these with or without persistence: the model files and answers that hold slots.
    clearCaches: async () => {
      if (fulfill && 'clearCache' in fulfill && typeof fulfill.clearCache === 'function') fulfill.clearCache();
      const { clearModelCache } = await import('../nlu/runtime/model-cache');
      await clearModelCache();
    },
    locale: navigator.language || locale,
    ...(typeof options.bot === 'string' && options.persist !== false && { persistence: persistence(botFileUrl(options.bot, location.href), options.persist) }),
  });
  const events = createEmitter<Pick<WidgetEvents, 'open' | 'close'>>();
  const isOpen = signal(mode === 'inline' || options.open === true);

  const model: WidgetModel = {
    conversation,
    strings,
    locale,
    mode,
    position: options.position ?? defaults.position,
    title: options.title,
    avatar: options.avatar,
    isOpen,
    markdown: createMarkdownRenderer(window),
    warmUp: () => conversation.warmUp(),
    open() {
      conversation.warmUp();
      if (isOpen.peek()) return;
      isOpen.value = true;
      events.emit('open', undefined);
    },
    close() {
      if (mode === 'inline' || !isOpen.peek()) return;
      isOpen.value = false;
      events.emit('close', undefined);
    },
  };

  const container = document.createElement('div');
  shadow.append(container);
  render(<App model={model} focusLauncher={focusLauncher} />, container);
  void conversation.start();
  // Most visitors never chat: the model loads when the browser is idle, or only on interest.
  let idleHandle: number | undefined;
  if ((options.load ?? defaults.load) === 'idle') {
    idleHandle = typeof requestIdleCallback === 'function' ? requestIdleCallback(() => conversation.warmUp(), { timeout: 5000 }) : Number(setTimeout(() => conversation.warmUp(), 2000));
  }

  return {
    conversation,
    open: model.open,
    close: model.close,
    async send(text) {
      await conversation.start();
      return conversation.send(text);
    },
    reset: () => conversation.reset(),
    forget: () => conversation.forget(),
    destroy() {
      if (idleHandle !== undefined && typeof cancelIdleCallback === 'function') cancelIdleCallback(idleHandle);
      else if (idleHandle !== undefined) clearTimeout(idleHandle);
      render(null, container);
      conversation.dispose();
      understanding?.dispose();
      events.clear();
      host.remove();
    },
    on(event, listener) {
      if (event === 'open' || event === 'close') {
        return events.on(event, listener as (payload: undefined) => void);
      }
      return conversation.on(event as keyof ConversationEvents, listener as (payload: unknown) => void);
    },
  };
}

/** The NLU client is its own chunk, fetched with the worker when the model starts loading, not before. */
function lazyUnderstanding(bot: string, assetsUrl: string, backend: Backend | undefined, policy: NluPolicy): Understanding & { dispose(): void } {
  let client: Promise<Understanding & { dispose(): void }> | undefined;
  const get = () => (client ??= import('./understanding').then((module) => module.createWorkerUnderstanding(botFileUrl(bot, location.href), assetsUrl, backend, policy)));
  return {
    load: async () => (await get()).load(),
    onFullStage: (listener) => {
      let unsubscribe: (() => void) | undefined;
      let cancelled = false;
      void get().then((loaded) => {
        if (!cancelled) unsubscribe = loaded.onFullStage?.(listener);
      });
      return () => {
        cancelled = true;
        unsubscribe?.();
      };
    },
    parse: async (text) => (await get()).parse(text),
    dispose: () => void client?.then((loaded) => loaded.dispose()),
  };
}

function assertOptions(options: WidgetOptions): void {
  if (!options || (typeof options.bot !== 'string' && typeof options.bot !== 'object') || options.bot === null || options.bot === '') {
    throw new TypeError(
      'Parley: the "bot" option is required: the URL of a bot bundle folder (for example "/models/acme/") or a bot object.',
    );
  }
}
