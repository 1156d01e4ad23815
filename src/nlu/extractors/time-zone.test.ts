import { describe, expect, it } from 'vitest';
import { isoOffset, zone } from './time-zone';

describe('time zones', () => {
  it('knows the offset at an instant, with daylight saving', () => {
    const auckland = zone('Pacific/Auckland');
    expect(auckland.offsetAt(Date.parse('2025-01-15T00:00:00Z'))).toBe(780);
    expect(auckland.offsetAt(Date.parse('2025-07-15T00:00:00Z'))).toBe(720);
    expect(zone('Asia/Kathmandu').offsetAt(Date.parse('2025-07-15T00:00:00Z'))).toBe(345);
  });

  it('finds the instant of a wall-clock time, also for times that happen twice or never', () => {
    const newYork = zone('America/New_York');
    expect(new Date(newYork.instantOf({ year: 2025, month: 7, day: 4, hour: 9, minute: 0, second: 0 })).toISOString()).toBe('2025-07-04T13:00:00.000Z');
    // 1:30 happens twice on 2 November 2025: the first one, still in daylight time.
    expect(new Date(newYork.instantOf({ year: 2025, month: 11, day: 2, hour: 1, minute: 30, second: 0 })).toISOString()).toBe('2025-11-02T05:30:00.000Z');
    // 2:30 never happens on 9 March 2025: read as 3:30 daylight time.
    expect(newYork.format(newYork.instantOf({ year: 2025, month: 3, day: 9, hour: 2, minute: 30, second: 0 }))).toBe('2025-03-09T03:30:00-04:00');
  });

  it('formats ISO offsets', () => {
    expect([isoOffset(0), isoOffset(780), isoOffset(-300), isoOffset(345), isoOffset(-570)]).toEqual(['+00:00', '+13:00', '-05:00', '+05:45', '-09:30']);
  });

  it('falls back to UTC for an unknown zone', () => {
    expect(zone('Not/AZone').timeZone).toBe('UTC');
  });
});
