/** What every component of the widget reads: one conversation plus the widget's own view state. */
import type { Signal } from '@preact/signals';
import type { Conversation } from '../conversation';
import type { Locale, Strings } from '../i18n';
import type { MarkdownRenderer } from './markdown';
import type { Position } from './options';

export type Mode = 'floating' | 'inline';

export interface WidgetModel {
  conversation: Conversation;
  strings: Strings;
  locale: Locale;
  mode: Mode;
  position: Position;
  /** Explicit title, else the bot's name. */
  title: string | undefined;
  avatar: string | undefined;
  isOpen: Signal<boolean>;
  markdown: MarkdownRenderer;
  open(): void;
  close(): void;
  /** The visitor shows interest (pointer over or focus on the launcher): start loading the model. */
  warmUp(): void;
}
