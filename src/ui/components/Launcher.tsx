import type { Ref } from 'preact';
import type { WidgetModel } from '../model';
import { Icon } from './Icon';

export function Launcher({ model, buttonRef }: { model: WidgetModel; buttonRef: Ref<HTMLButtonElement> }) {
  const { strings, isOpen } = model;
  return (
    <button
      ref={buttonRef}
      type="button"
      class="launcher"
      aria-label={isOpen.value ? strings.closeChat : strings.openChat}
      aria-expanded={isOpen.value}
      aria-controls="parley-panel"
      onClick={() => (isOpen.value ? model.close() : model.open())}
      onPointerEnter={model.warmUp}
      onFocus={model.warmUp}
    >
      <Icon name={isOpen.value ? 'close' : 'chat'} />
    </button>
  );
}
