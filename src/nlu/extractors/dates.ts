/**
 * Dates and times with chrono-node, resolved in the visitor's time zone, not the one the code runs
 * in. Entities:
 *   date      "next friday", "march 25", "25/12"        -> "2025-03-21"
 *   time      "at 3pm", "15:30"                          -> "15:00:00" ("15:00:00-05:00" with "EST")
 *   datetime  "tomorrow at 3pm", "in 2 hours"            -> "2025-03-14T15:00:00+13:00"
 * and the same kinds for ranges ("monday to friday", "3-5pm") as { from, to }.
 * Ambiguous dates ("friday", "at 3") are taken in the future. English (day/month order from the
 * locale: 01/02 is 2 January in en-US, 1 February in en-GB) and French; other languages use English.
 */
import * as en from 'chrono-node/en';
import * as fr from 'chrono-node/fr';
import { extractorDefaults } from './defaults';
import { localeInfo } from './locale';
import { searchableText } from './text';
import { isoDate, isoOffset, isoTime, zone, type WallClock, type Zone } from './time-zone';
import type { ExtractedEntity, Extractor, RangeValue } from './types';

type Components = en.ParsedResult['start'];
type Kind = 'date' | 'time' | 'datetime';

const DATE_COMPONENTS: readonly en.Component[] = ['year', 'month', 'day', 'weekday'];

export function createDateExtractor(): Extractor {
  return {
    name: 'dates',
    extract(text, context) {
      const visitorZone = zone(context.timeZone);
      const now = context.now.getTime();
      // chrono takes a fixed offset: the one in force now. Wall-clock results are converted with
      // the offset in force on their own date below, so DST between now and then is handled.
      const referenceOffset = visitorZone.offsetAt(now);
      const results = parserFor(context.locale).parse(
        searchableText(text),
        { instant: context.now, timezone: referenceOffset },
        { forwardDate: true },
      );
      const found: ExtractedEntity[] = [];
      for (const result of results) {
        const start = result.index;
        const end = start + result.text.length;
        if (text.slice(start, end) !== result.text || isFiller(result.text)) continue;
        const kind = kindOf(result.start, result.end);
        const format = (components: Components) => formatAs(kind, components, visitorZone, referenceOffset);
        const from = format(result.start);
        const to = result.end ? format(result.end) : undefined;
        if (from === undefined || (result.end && to === undefined)) continue;
        const value: string | RangeValue = to === undefined ? from : { from, to };
        found.push({ entity: kind, value, text: result.text, start, end, confidence: extractorDefaults.confidence.date, extractor: 'dates' });
        if (found.length >= extractorDefaults.maxEntitiesPerExtractor) break;
      }
      return found;
    },
  };
}

function parserFor(locale: string): en.Chrono {
  const { language } = localeInfo(locale);
  if (language === 'fr') return fr.casual;
  return dayBeforeMonth(locale) ? en.GB : en.casual;
}

/** Whether the locale writes the day before the month (en-GB 25/12/2025), as Intl knows it. */
function dayBeforeMonth(locale: string): boolean {
  try {
    const order = new Intl.DateTimeFormat(locale).formatToParts(0).map((part) => part.type);
    return order.indexOf('day') < order.indexOf('month');
  } catch {
    return false;
  }
}

/** Words chrono reads as dates that are only chat; capitalised, "Sat" may well mean Saturday. */
function isFiller(text: string): boolean {
  return text === text.toLowerCase() && extractorDefaults.dates.ignore.test(text);
}

function kindOf(start: Components, end: Components | undefined): Kind {
  const sides = end ? [start, end] : [start];
  const hasDate = sides.some(
    (side) => DATE_COMPONENTS.some((component) => side.isCertain(component)) || side.tags().has('result/relativeDate'),
  );
  const hasTime = sides.some((side) => side.isCertain('hour'));
  if (hasDate && hasTime) return 'datetime';
  return hasTime ? 'time' : 'date';
}

/**
 * The ISO string of one side of a result. chrono's components are the wall clock in the reference
 * offset, unless the text named a zone ("3pm EST"), which is then kept in the value.
 */
function formatAs(kind: Kind, components: Components, visitorZone: Zone, referenceOffset: number): string | undefined {
  const clock = wallClock(components);
  if (!clock) return undefined;
  if (kind === 'date') return isoDate(clock);
  const offset = components.isCertain('timezoneOffset') ? components.get('timezoneOffset') : null;
  const namedZone = offset !== null && offset !== referenceOffset;
  if (kind === 'time') return namedZone ? `${isoTime(clock)}${isoOffset(offset)}` : isoTime(clock);
  if (namedZone) return `${isoDate(clock)}T${isoTime(clock)}${isoOffset(offset)}`;
  // "in 2 hours" (an offset chrono took from the reference) is an instant; "tomorrow at 3pm" is a
  // wall-clock time in the visitor's zone.
  const instant = offset !== null ? components.date().getTime() : visitorZone.instantOf(clock);
  return visitorZone.format(instant);
}

function wallClock(components: Components): WallClock | undefined {
  const year = components.get('year');
  const month = components.get('month');
  const day = components.get('day');
  if (year === null || month === null || day === null) return undefined;
  return {
    year,
    month,
    day,
    hour: components.get('hour') ?? 0,
    minute: components.get('minute') ?? 0,
    second: components.get('second') ?? 0,
  };
}
