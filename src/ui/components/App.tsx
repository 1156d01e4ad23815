import { useEffect, useRef } from 'preact/hooks';
import type { WidgetModel } from '../model';
import { Composer } from './Composer';
import { ErrorBanner } from './ErrorBanner';
import { Header } from './Header';
import { Launcher } from './Launcher';
import { MessageList } from './MessageList';
import { QuickReplies } from './QuickReplies';

export function App({ model, focusLauncher }: { model: WidgetModel; focusLauncher: boolean }) {
  const { conversation, isOpen, mode } = model;
  const launcherRef = useRef<HTMLButtonElement>(null);
  const inputRef = useRef<HTMLTextAreaElement>(null);
  const wasOpen = useRef(false);
  // The state this render shows. Effects compare rendered states, not the live signal: Preact may run
  // an effect just before the re-render that un-hides the panel, when focusing it would fail.
  const panelShown = mode === 'floating' && isOpen.value;

  // Focus follows the panel: into the composer on open, back to the launcher on close.
  useEffect(() => {
    if (panelShown && !wasOpen.current) inputRef.current?.focus();
    if (!panelShown && wasOpen.current) launcherRef.current?.focus();
    wasOpen.current = panelShown;
  }, [panelShown]);

  // Taking over from the loader's placeholder launcher: keep focus where the visitor had it.
  useEffect(() => {
    if (focusLauncher && !panelShown) launcherRef.current?.focus();
  }, []);

  const title = model.title ?? (conversation.botName.value || '\u00a0');

  return (
    <div class="root" data-mode={mode} data-position={model.position} lang={model.locale}>
      <div
        hidden={mode === 'floating' && !isOpen.value}
        class="panel"
        id="parley-panel"
        role={mode === 'floating' ? 'dialog' : 'region'}
        aria-labelledby="parley-title"
        onKeyDown={(event) => {
          if (event.key === 'Escape' && mode === 'floating') {
            event.stopPropagation();
            model.close();
          }
        }}
      >
        <Header model={model} title={title} />
        <ErrorBanner model={model} />
        <MessageList model={model} botName={conversation.botName.value || title} />
        <QuickReplies model={model} onChosen={() => inputRef.current?.focus()} />
        <Composer model={model} inputRef={inputRef} />
      </div>
      {mode === 'floating' && <Launcher model={model} buttonRef={launcherRef} />}
    </div>
  );
}
