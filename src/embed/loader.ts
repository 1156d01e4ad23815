/**
 * embed/ owns the script-tag embed. This file is `parley.js`, the loader a site adds with one tag:
 *
 *   <script src="/parley.js" data-bot="/models/acme/" async></script>
 *
 * It must stay tiny (budget: 4 KB gzipped): it shows the launcher at once inside a Shadow DOM host,
 * and fetches the rest of the widget (`parley-widget.js`, next to it) when the browser is idle or the
 * visitor shows interest. `window.parley` controls it from the page, before and after that load.
 */
import type { WidgetEvents, ParleyHandle } from '../ui/mount';
import type { mountInShadow } from '../ui/widget-entry';
import { HOST_TAG } from '../ui/host';
import { icons } from '../ui/icons';
import { OPEN_CHAT, pickLocale } from '../i18n/launcher';
import { applyTheme } from '../ui/theme';
import { adoptStyles } from '../ui/styles/adopt';
import launcherCss from '../ui/styles/launcher.css?inline';
import { readSettings, type EmbedSettings } from './settings';

type WidgetModule = { mountInShadow: typeof mountInShadow };
type Listener = (payload: never) => void;

export interface ParleyGlobal {
  open(): void;
  close(): void;
  send(text: string): Promise<unknown>;
  reset(): void;
  /** Deletes everything Parley stored for the visitor (conversations, cached model). */
  forget(): Promise<void>;
  destroy(): void;
  on<K extends keyof WidgetEvents>(event: K, listener: (payload: WidgetEvents[K]) => void): () => void;
}

declare global {
  interface Window {
    parley?: ParleyGlobal;
    parleySettings?: EmbedSettings;
  }
}

(() => {
  if (window.parley) {
    console.warn('[parley] parley.js is included more than once; only the first copy runs.');
    return;
  }
  const script = document.currentScript as HTMLScriptElement | null;
  const settings = readSettings(script?.dataset ?? {}, window.parleySettings);
  const { bot } = settings;
  if (!bot) {
    console.error(
      '[parley] No bot configured. Add data-bot="/models/<your-bot>/" to the parley.js script tag, ' +
        'or set window.parleySettings = { bot: "/models/<your-bot>/" } before it.',
    );
    return;
  }
  const widgetOptions = { ...settings, bot };
  const widgetUrl = new URL('parley-widget.js', script?.src || document.baseURI).href;
  const openChatLabel = OPEN_CHAT[pickLocale(settings.locale, navigator.languages ?? [navigator.language])];

  let handle: ParleyHandle | undefined;
  let loading: Promise<ParleyHandle> | undefined;
  let destroyed = false;
  /**
   * Hovering starts the load, so the widget's launcher may replace this one between the visitor's
   * mousedown and mouseup; the browser then fires no click. A press the swap swallowed still opens.
   */
  let pressPending = false;
  const pending: Array<[keyof WidgetEvents, Listener, { off?: () => void }]> = [];

  const host = document.createElement(HOST_TAG);
  host.dataset.mode = 'floating';
  const shadow = host.attachShadow({ mode: 'open' });
  adoptStyles(shadow, [launcherCss]);
  applyTheme(host, settings);

  // A launcher identical to the widget's own, so nothing moves when the widget takes over.
  const placeholder = document.createElement('div');
  placeholder.className = 'root';
  placeholder.dataset.position = settings.position ?? 'right';
  const launcher = document.createElement('button');
  launcher.type = 'button';
  launcher.className = 'launcher';
  launcher.setAttribute('aria-label', openChatLabel);
  launcher.setAttribute('aria-expanded', 'false');
  const svgNs = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(svgNs, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  const path = document.createElementNS(svgNs, 'path');
  path.setAttribute('d', icons.chat);
  svg.append(path);
  launcher.append(svg);
  placeholder.append(launcher);
  shadow.append(placeholder);

  function load(): Promise<ParleyHandle> {
    loading ??= (import(/* @vite-ignore */ widgetUrl) as Promise<WidgetModule>).then(
      ({ mountInShadow }) => {
        if (destroyed) throw new Error('destroyed');
        const hadFocus = shadow.activeElement === launcher;
        placeholder.remove();
        handle = mountInShadow(host, shadow, widgetOptions, { mode: 'floating', focusLauncher: hadFocus });
        if (pressPending) handle.open();
        for (const [event, listener, subscription] of pending) subscription.off = handle.on(event, listener as never);
        return handle;
      },
      (error: unknown) => {
        loading = undefined; // the next interaction tries again
        launcher.removeAttribute('aria-busy');
        console.error(`[parley] Could not load ${widgetUrl}; the launcher will try again when clicked.`, error);
        throw error;
      },
    );
    return loading;
  }

  const whenLoaded = (action: (widget: ParleyHandle) => void) => {
    load().then(action, () => undefined);
  };

  launcher.addEventListener('pointerenter', () => void load().catch(() => undefined), { once: true });
  launcher.addEventListener('focus', () => void load().catch(() => undefined), { once: true });
  launcher.addEventListener('pointerdown', () => (pressPending = true));
  launcher.addEventListener('click', () => {
    pressPending = false;
    launcher.setAttribute('aria-busy', 'true');
    whenLoaded((widget) => widget.open());
  });

  window.parley = {
    open: () => whenLoaded((widget) => widget.open()),
    close: () => handle?.close(),
    send: (text) => load().then((widget) => widget.send(text)),
    reset: () => handle?.reset(),
    forget: () => load().then((widget) => widget.forget()),
    destroy() {
      destroyed = true;
      handle?.destroy();
      host.remove();
      delete window.parley;
    },
    on(event, listener) {
      const entry: (typeof pending)[number] = [event, listener as Listener, {}];
      if (handle) entry[2].off = handle.on(event, listener);
      else pending.push(entry);
      return () => {
        entry[2].off?.();
        const index = pending.indexOf(entry);
        if (index >= 0) pending.splice(index, 1);
      };
    },
  };

  function attach() {
    document.body.append(host);
    if (settings.open) whenLoaded((widget) => widget.open());
    else if ((settings.load ?? 'idle') === 'idle') {
      const idle = () =>
        'requestIdleCallback' in window ? requestIdleCallback(() => void load().catch(() => undefined), { timeout: 4000 }) : setTimeout(() => void load().catch(() => undefined), 1500);
      if (document.readyState === 'complete') idle();
      else window.addEventListener('load', idle, { once: true });
    }
  }
  if (document.body) attach();
  else document.addEventListener('DOMContentLoaded', attach, { once: true });
})();
