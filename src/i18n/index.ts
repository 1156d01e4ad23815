/**
 * Every visible string comes from a locale table. The locale is the `locale` option when given,
 * else the browser's preferred languages, else English.
 */
import { en, type Strings } from './en';
import { fr } from './fr';

export type { Strings };
export const locales = { en, fr } as const satisfies Record<string, Strings>;
export type Locale = keyof typeof locales;

function isLocale(tag: string): tag is Locale {
  return Object.hasOwn(locales, tag);
}

/** Picks the first supported language among the option and the browser's preferences ("fr-CA" -> "fr"). */
export function pickLocale(option: string | undefined, preferred: readonly string[]): Locale {
  for (const tag of [option, ...preferred]) {
    const base = tag?.toLowerCase().split('-')[0];
    if (base && isLocale(base)) return base;
  }
  return 'en';
}

/** Fills `{name}` placeholders; unknown placeholders are left visible so a missing value is noticed. */
export function format(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.hasOwn(values, name) ? String(values[name]) : whole,
  );
}
