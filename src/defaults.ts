/** Every default of the widget and the conversation, in one place. */
export const defaults = {
  /** Longest message a visitor can send, in characters. */
  maxMessageLength: 1000,
  /** The character counter appears once this share of the limit is used. */
  counterThreshold: 0.8,
  /** A short pause with the typing indicator before the bot answers, so replies do not flash in. */
  replyDelayMs: 350,
  /** How long the bot file may take to arrive before the load counts as failed. */
  botLoadTimeoutMs: 15_000,
  position: 'right',
  theme: 'auto',
  /** When the loader fetches the rest of the widget: on idle after page load, or on first interaction. */
  load: 'idle',
  primaryColor: '#1d4ed8',
} as const;
