/**
 * Every visible string comes from a locale table. The locale is the `locale` option when given,
 * else the browser's preferred languages, else English.
 */
import { en, type Strings } from './en';
import { fr } from './fr';
import type { Locale } from './launcher';

export type { Strings };
export { pickLocale, type Locale } from './launcher';
export const locales: Record<Locale, Strings> = { en, fr };

/** Fills `{name}` placeholders; unknown placeholders are left visible so a missing value is noticed. */
export function format(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.hasOwn(values, name) ? String(values[name]) : whole,
  );
}
