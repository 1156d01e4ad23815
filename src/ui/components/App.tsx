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
  const wasOpen = useRef(isOpen.peek());
  const open = mode === 'inline' || isOpen.value;

  // Focus follows the panel: into the composer on open, back to the launcher on close.
  useEffect(() => {
    if (isOpen.value && !wasOpen.current) inputRef.current?.focus();
    if (!isOpen.value && wasOpen.current) launcherRef.current?.focus();
    wasOpen.current = isOpen.value;
  }, [isOpen.value]);

  useEffect(() => {
    if (focusLauncher) launcherRef.current?.focus();
    if (isOpen.peek() && mode === 'floating') inputRef.current?.focus();
  }, []);

  const title = model.title ?? (conversation.botName.value || '\u00a0');

  return (
    <div class="root" data-mode={mode} data-position={model.position} lang={model.locale}>
      <div
        hidden={!open}
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
