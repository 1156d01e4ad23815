import type { WidgetModel } from '../model';

export function QuickReplies({ model }: { model: WidgetModel }) {
  const { conversation, strings } = model;
  const replies = conversation.quickReplies.value;
  if (replies.length === 0) return null;
  return (
    <div class="replies" role="group" aria-label={strings.suggestions}>
      {replies.map((reply) => (
        <button key={reply.id} type="button" class="reply" onClick={() => conversation.choose(reply)}>
          {reply.label}
        </button>
      ))}
    </div>
  );
}
