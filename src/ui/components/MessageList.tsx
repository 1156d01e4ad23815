import { useLayoutEffect, useRef } from 'preact/hooks';
import { format } from '../../i18n';
import type { WidgetModel } from '../model';
import { Message } from './Message';

/** The transcript is a polite live region: screen readers announce new messages as they arrive. */
export function MessageList({ model, botName }: { model: WidgetModel; botName: string }) {
  const { conversation, strings } = model;
  const messages = conversation.messages.value;
  const typing = conversation.typing.value;
  const listRef = useRef<HTMLDivElement>(null);

  useLayoutEffect(() => {
    const list = listRef.current;
    if (list) list.scrollTop = list.scrollHeight;
  }, [messages.length, typing]);

  return (
    <div class="log" role="log" aria-live="polite" aria-label={strings.messagesLabel} ref={listRef} tabIndex={0}>
      {conversation.status.value === 'loading' && messages.length === 0 && <p class="visually-hidden">{strings.loading}</p>}
      {messages.map((message) => (
        <Message key={message.id} model={model} message={message} botName={botName} />
      ))}
      {typing && (
        <div class="typing" role="status">
          <span class="visually-hidden">{format(strings.typing, { bot: botName })}</span>
          <span aria-hidden="true" />
          <span aria-hidden="true" />
          <span aria-hidden="true" />
        </div>
      )}
    </div>
  );
}
