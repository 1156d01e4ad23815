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
  /** A bot's dialogue settings its definition leaves out (`settings:`; src/bot/dialogue-schema.ts says what each does). */
  dialogueSettings: {
    confidence_threshold: 0.5,
    digression_threshold: 0.7,
    clarify_options: 3,
    fallbacks_before_human: 2,
    max_slot_attempts: 3,
    session_expiry_minutes: 30,
    context_turns: 10,
    cancel_intent: 'cancel',
    affirm_intent: 'affirm',
    deny_intent: 'deny',
  },
} as const;
