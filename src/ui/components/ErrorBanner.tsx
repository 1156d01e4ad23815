import type { WidgetModel } from '../model';

/** Failures are shown, with a way forward: retry when it may help, else dismiss. */
export function ErrorBanner({ model }: { model: WidgetModel }) {
  const { conversation, strings } = model;
  const error = conversation.error.value;
  if (!error) return null;
  return (
    <div class="banner" role="alert">
      <p>{error.message}</p>
      {error.retryable && (
        <button type="button" onClick={() => void conversation.retry()}>
          {strings.retry}
        </button>
      )}
      <button type="button" onClick={() => conversation.dismissError()}>
        {strings.dismiss}
      </button>
    </div>
  );
}
