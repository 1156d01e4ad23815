import type { ChatMessage } from '../../conversation';
import type { WidgetModel } from '../model';
import { BotText } from './BotText';
import { Icon } from './Icon';

export function Message({ model, message, botName }: { model: WidgetModel; message: ChatMessage; botName: string }) {
  const { strings, conversation } = model;
  if (message.from === 'user') {
    return (
      <div class="message message--user">
        <span class="visually-hidden">{strings.you}: </span>
        {/* Visitor text is always a text node, never HTML. */}
        <div class="bubble">{message.text}</div>
      </div>
    );
  }
  return (
    <div class="message message--bot">
      <span class="visually-hidden">{botName}: </span>
      <BotText markdown={message.text} renderer={model.markdown} />
      <div class="feedback">
        <button
          type="button"
          aria-label={strings.helpful}
          title={strings.helpful}
          aria-pressed={message.rating === 'up'}
          onClick={() => conversation.rate(message.id, 'up')}
        >
          <Icon name="thumbUp" />
        </button>
        <button
          type="button"
          aria-label={strings.notHelpful}
          title={strings.notHelpful}
          aria-pressed={message.rating === 'down'}
          onClick={() => conversation.rate(message.id, 'down')}
        >
          <Icon name="thumbDown" />
        </button>
      </div>
    </div>
  );
}
