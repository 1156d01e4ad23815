/** Every default of the rule extractors, in one place. */
export const extractorDefaults = {
  /**
   * Only this many characters of a message are searched. Above the widget's longest message, and
   * it bounds the time any pattern (including a bot's own regex) can take on hostile input.
   */
  maxTextLength: 4000,
  /** No extractor returns more entities than this for one message (the regex one: per pattern). */
  maxEntitiesPerExtractor: 100,
  /** Used when the context's locale is not a valid BCP 47 tag. */
  locale: 'en',
  /** Used when the context's time zone is not one the browser knows. */
  timeZone: 'UTC',
  /** The built-in extractors a bot gets when its definition does not list them. */
  builtins: ['dates', 'numbers', 'amounts', 'emails', 'phones', 'urls'],
  /**
   * Fixed confidences. What the bot defines itself beats a built-in on the same span; a built-in
   * that is near certain from its shape (an email) beats one that guesses (a number word).
   */
  confidence: {
    regex: 1,
    lookup: 1,
    email: 0.99,
    url: 0.95,
    amount: 0.95,
    internationalPhone: 0.95,
    nationalPhone: 0.85,
    date: 0.9,
    numberDigits: 0.9,
    numberWords: 0.8,
  },
  numbers: {
    /** Longer digit runs are identifiers, and would lose precision as a JavaScript number. */
    maxDigits: 15,
    /** A lone "one" after these words is a pronoun ("no one", "this one"), not a number. */
    pronounOneAfter: [
      ...['no', 'the', 'this', 'that', 'which', 'each', 'every', 'any', 'some', 'another', 'other'],
      ...['little', 'big', 'new', 'old', 'right', 'wrong', 'same'],
    ],
  },
  phones: {
    /** A number written without "+" or "00" needs at least this many digits to count as a phone. */
    minNationalDigits: 7,
  },
  urls: {
    /** Longer runs of characters are not links someone typed (browsers cap URLs around here too). */
    maxLength: 2048,
  },
  dates: {
    /**
     * Results chrono finds that are chat, not dates: "hold on a sec", and weekday or month
     * abbreviations that are also English words when written in lower case ("the sun is hot").
     */
    ignore: /^(?:(?:a|one|just a)\s+(?:sec|second|moment|min|minute)s?|sun|sat|wed|mar)$/i,
  },
} as const;

export type BuiltinName = (typeof extractorDefaults.builtins)[number];
