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
  /** The first stage of understanding to be ready (the light stage, or the transformer alone with nlu: 'full'). */
  nluLoadTimeoutMs: 30_000,
  /** The transformer loading behind the light stage: megabytes on a slow phone; the light stage answers meanwhile. */
  nluFullLoadTimeoutMs: 180_000,
  /** One parse; a second late one in a row puts the widget in buttons-only mode. */
  nluParseTimeoutMs: 5_000,
  /**
   * How long a turn waits for one backend action, the fulfillment client's retries included (counted
   * while online). The client fits every attempt within it, so a success never arrives after the turn gave up.
   */
  fulfillmentDeadlineMs: 30_000,
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
  /** Redaction of what is kept on the device (`persist: { redact: true }`; src/store/redact.ts). */
  redaction: {
    /** What stands in for each kind of personal data. */
    placeholders: { card: '[card number]', email: '[email]', phone: '[phone]', iban: '[iban]', personal: '[redacted]' },
    /** Fewest digits a grouped number needs to be taken for a phone number ("555 0123" has 7). */
    minPhoneDigits: 7,
  },
} as const;
