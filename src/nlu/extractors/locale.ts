/** What the extractors read from the visitor's locale, with a fallback for tags Intl rejects. */
import { extractorDefaults } from './defaults';

export interface LocaleInfo {
  /** Lower-case language subtag, e.g. "en". */
  language: string;
  /** Upper-case region, likely one filled in when the tag has none ("en" -> "US", "fr" -> "FR"). */
  region: string | undefined;
  /** How the locale writes 1234.5: decimal and grouping characters. */
  decimal: string;
  group: string;
}

export function localeInfo(locale: string): LocaleInfo {
  try {
    return read(locale);
  } catch {
    return read(extractorDefaults.locale);
  }
}

function read(tag: string): LocaleInfo {
  const locale = new Intl.Locale(tag).maximize();
  const parts = new Intl.NumberFormat(locale.toString()).formatToParts(12345.5);
  return {
    language: locale.language,
    region: locale.region,
    decimal: parts.find((part) => part.type === 'decimal')?.value ?? '.',
    group: parts.find((part) => part.type === 'group')?.value ?? ',',
  };
}
