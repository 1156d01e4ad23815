/** The types a slot may declare: for the definition's schema (Node) and the browser's reader of bot.json, which must not load valibot. */
export const SLOT_TYPES = ['text', 'number', 'amount', 'date', 'time', 'email', 'phone', 'url', 'boolean'] as const;
