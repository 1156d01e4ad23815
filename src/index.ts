/**
 * Parley's public API for SPAs and teams with their own UI.
 *
 *   import { mount } from 'parley';
 *   const chat = mount({ bot: '/models/acme/' });          // floating launcher
 *   mount({ bot: '/models/acme/', target: someElement });    // inline
 *
 *   import { createConversation } from 'parley';            // headless: bring your own UI
 */
export { mount } from './ui/mount';
export type { MountOptions, ParleyHandle, WidgetEvents } from './ui/mount';
export type { WidgetOptions, Position, Theme } from './ui/options';
export { createConversation } from './conversation';
export type {
  ChatMessage,
  Conversation,
  ConversationError,
  ConversationEvents,
  ConversationOptions,
  ConversationStatus,
  QuickReply,
  Rating,
  SendResult,
} from './conversation';
export type { MenuBot, MenuItem } from './bot/menu-bot';
export type { Strings } from './i18n';
