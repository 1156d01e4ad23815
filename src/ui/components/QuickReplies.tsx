import type { WidgetModel } from '../model';

/** After a choice the buttons disappear, so focus moves to the composer instead of being lost. */
export function QuickReplies({ model, onChosen }: { model: WidgetModel; onChosen: () => void }) {
  const { conversation, strings } = model;
  const replies = conversation.quickReplies.value;
  if (replies.length === 0) return null;
  return (
    <div class="replies" role="group" aria-label={strings.suggestions}>
      {replies.map((reply) => (
        <button key={reply.id} type="button" class="reply" onClick={() => {
            conversation.choose(reply);
            onChosen();
          }}>
          {reply.label}
        </button>
      ))}
    </div>
  );
}
