/** English: the reference locale. Every other locale must provide the same keys (the type enforces it). */
import { OPEN_CHAT } from './launcher';
export const en = {
  openChat: OPEN_CHAT.en,
  closeChat: 'Close chat',
  chatWith: 'Chat with {bot}',
  restart: 'Restart conversation',
  inputLabel: 'Type your message',
  inputPlaceholder: 'Type a message…',
  send: 'Send',
  charactersLeft: '{count} characters left',
  typing: '{bot} is typing…',
  you: 'You',
  helpful: 'Helpful',
  notHelpful: 'Not helpful',
  thanksForFeedback: 'Thanks for your feedback',
  notUnderstood: 'Sorry, I can only help with these topics for now:',
  nluUnavailable: 'Sorry, I can’t understand typed messages right now. Please choose a topic:',
  nluSlow: 'Sorry, that took me too long to understand. Please try again, or choose a topic:',
  loadFailed: 'The assistant could not load. Please check your connection and try again.',
  retry: 'Try again',
  dismiss: 'Dismiss',
  loading: 'Loading…',
  messagesLabel: 'Conversation',
  suggestions: 'Suggested replies',
  offlineQueued: 'You seem to be offline. I’ll send your request as soon as the connection is back.',
  backOnline: 'You’re back online, sending your request now.',
  notPersisted: 'Your chat can’t be saved on this device, so it will be gone when you leave this page.',
  notRestored: 'I couldn’t restore our earlier conversation, so let’s start again.',
  forget: 'Delete this conversation',
  handoffFailed: 'Sorry, I couldn’t reach our team right now ({reason}). Please try again in a moment.',
} as const;

export type Strings = { readonly [K in keyof typeof en]: string };
