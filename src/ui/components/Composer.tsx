import type { Ref } from 'preact';
import { useSignal } from '@preact/signals';
import { defaults } from '../../defaults';
import { format } from '../../i18n';
import { isBlank } from '../../text';
import type { WidgetModel } from '../model';
import { Icon } from './Icon';

/** Enter sends, Shift+Enter adds a line; a counter appears near the length limit; empty text is not sent. */
export function Composer({ model, inputRef }: { model: WidgetModel; inputRef: Ref<HTMLTextAreaElement> }) {
  const { conversation, strings } = model;
  const draft = useSignal('');
  const max = conversation.maxMessageLength;
  const length = draft.value.length;
  const showCounter = length >= max * defaults.counterThreshold;
  const ready = conversation.status.value === 'ready';

  function submit() {
    const result = conversation.send(draft.value);
    if (result.ok) draft.value = '';
  }

  return (
    <form
      class="composer"
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      <div class="composer-field">
        <label class="visually-hidden" for="parley-input">
          {strings.inputLabel}
        </label>
        <textarea
          id="parley-input"
          ref={inputRef}
          rows={1}
          maxLength={max}
          placeholder={strings.inputPlaceholder}
          aria-describedby={showCounter ? 'parley-counter' : undefined}
          value={draft.value}
          onInput={(event) => (draft.value = event.currentTarget.value)}
          onKeyDown={(event) => {
            if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
              event.preventDefault();
              submit();
            }
          }}
        />
        {showCounter && (
          <span class="counter" id="parley-counter" aria-live="polite" data-over={String(length >= max)}>
            {format(strings.charactersLeft, { count: max - length })}
          </span>
        )}
      </div>
      <button type="submit" class="send" aria-label={strings.send} title={strings.send} disabled={!ready || isBlank(draft.value)}>
        <Icon name="send" />
      </button>
    </form>
  );
}
