/**
 * What the script-tag loader needs before the widget arrives: the languages there are and the
 * launcher's label. Kept apart from the full tables so that the loader stays within its 4 KB.
 */
export const LOCALE_NAMES = ['en', 'fr'] as const;
export type Locale = (typeof LOCALE_NAMES)[number];

export const OPEN_CHAT: Record<Locale, string> = { en: 'Open chat', fr: 'Ouvrir la discussion' };

function isLocale(tag: string): tag is Locale {
  return (LOCALE_NAMES as readonly string[]).includes(tag);
}

/** Picks the first supported language among the option and the browser's preferences ("fr-CA" -> "fr"). */
export function pickLocale(option: string | undefined, preferred: readonly string[]): Locale {
  for (const tag of [option, ...preferred]) {
    const base = tag?.toLowerCase().split('-')[0];
    if (base && isLocale(base)) return base;
  }
  return 'en';
}
