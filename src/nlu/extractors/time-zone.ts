/**
 * Wall-clock time in an IANA time zone, with nothing but Intl: chrono-node only understands fixed
 * offsets, and the offset of a zone changes with daylight saving time.
 */
import { extractorDefaults } from './defaults';

export interface WallClock {
  year: number;
  /** 1-12 */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

export interface Zone {
  readonly timeZone: string;
  /** Minutes east of UTC at `instant` (e.g. 780 for New Zealand summer time). */
  offsetAt(instant: number): number;
  /** The instant a wall-clock time happens in this zone. */
  instantOf(clock: WallClock): number;
  /** ISO 8601 date-time with the zone's offset at that instant, e.g. "2025-03-14T15:00:00+13:00". */
  format(instant: number): string;
}

/** A zone for `timeZone`, or for the default zone when the browser does not know that name. */
export function zone(timeZone: string): Zone {
  let parts: Intl.DateTimeFormat;
  try {
    parts = formatter(timeZone);
  } catch {
    parts = formatter(extractorDefaults.timeZone);
  }
  const clockAt = (instant: number): WallClock => {
    const field: Record<string, number> = {};
    for (const part of parts.formatToParts(instant)) field[part.type] = Number(part.value);
    return { year: field.year!, month: field.month!, day: field.day!, hour: field.hour!, minute: field.minute!, second: field.second! };
  };
  const offsetAt = (instant: number) => Math.round((utcOf(clockAt(instant)) - Math.floor(instant / 1000) * 1000) / 60_000);
  return {
    timeZone: parts.resolvedOptions().timeZone,
    offsetAt,
    instantOf(clock) {
      const asUtc = utcOf(clock);
      // The zone's offsets either side of that wall-clock time: the same one, or two around a DST
      // change. A time that happens twice (clocks going back) takes the first; a time that never
      // happens (clocks going forward) is read with the earlier offset, so 02:30 becomes 03:30.
      const offsets = [offsetAt(asUtc - DAY), offsetAt(asUtc + DAY)];
      const instants = offsets.map((offset) => asUtc - offset * 60_000);
      const valid = instants.filter((instant, i) => offsetAt(instant) === offsets[i]);
      return valid.length > 0 ? Math.min(...valid) : instants[0]!;
    },
    format(instant) {
      const clock = clockAt(instant);
      return `${isoDate(clock)}T${isoTime(clock)}${isoOffset(offsetAt(instant))}`;
    },
  };
}

const DAY = 86_400_000;

function formatter(timeZone: string): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });
}

function utcOf(clock: WallClock): number {
  return Date.UTC(clock.year, clock.month - 1, clock.day, clock.hour, clock.minute, clock.second);
}

const pad = (value: number, width = 2) => String(value).padStart(width, '0');

export function isoDate(clock: Pick<WallClock, 'year' | 'month' | 'day'>): string {
  return `${pad(clock.year, 4)}-${pad(clock.month)}-${pad(clock.day)}`;
}

export function isoTime(clock: Pick<WallClock, 'hour' | 'minute' | 'second'>): string {
  return `${pad(clock.hour)}:${pad(clock.minute)}:${pad(clock.second)}`;
}

/** "+13:00", "-05:00", "+00:00". */
export function isoOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const absolute = Math.abs(minutes);
  return `${sign}${pad(Math.floor(absolute / 60))}:${pad(absolute % 60)}`;
}
