import type { WidgetModel } from '../model';
import { Icon } from './Icon';

export function Header({ model, title }: { model: WidgetModel; title: string }) {
  const { strings, conversation } = model;
  return (
    <div class="header">
      {model.avatar && <img class="avatar" src={model.avatar} alt="" />}
      <h2 class="title" id="parley-title">
        {title}
      </h2>
      <button
        type="button"
        class="icon-button"
        aria-label={strings.restart}
        title={strings.restart}
        onClick={() => conversation.reset()}
        disabled={conversation.status.value !== 'ready'}
      >
        <Icon name="restart" />
      </button>
      <button
        type="button"
        class="icon-button"
        aria-label={strings.forget}
        title={strings.forget}
        onClick={() => void conversation.forget().catch(() => undefined) /* the banner says what failed */}
        disabled={conversation.status.value !== 'ready'}
      >
        <Icon name="trash" />
      </button>
      {model.mode === 'floating' && (
        <button type="button" class="icon-button" aria-label={strings.closeChat} title={strings.closeChat} onClick={() => model.close()}>
          <Icon name="close" />
        </button>
      )}
    </div>
  );
}
