import { describe, expect, it } from 'vitest';
import { createDateExtractor } from './dates';
import { aContext, found } from './testing';

const dates = createDateExtractor();

describe('dates and times', () => {
  describe('in Auckland (Thursday 13 March 2025, 11:30, NZDT +13:00)', () => {
    const context = aContext({ timeZone: 'Pacific/Auckland' });

    it('resolves relative days in the visitor\'s zone, not in UTC where it is still Wednesday', () => {
      expect(found(dates.extract('today', context))).toEqual([['date', 'today', '2025-03-13']]);
      expect(found(dates.extract('call me at +44 20 7946 0958 tomorrow at 3pm', context))).toEqual([
        ['datetime', 'tomorrow at 3pm', '2025-03-14T15:00:00+13:00'],
      ]);
    });

    it('takes ambiguous weekdays in the future', () => {
      expect(found(dates.extract('can you deliver on friday', context))).toEqual([['date', 'on friday', '2025-03-14']]);
      expect(found(dates.extract('next friday', context))).toEqual([['date', 'next friday', '2025-03-21']]);
      expect(found(dates.extract('or Tuesday?', context))).toEqual([['date', 'Tuesday', '2025-03-18']]);
    });

    it('gives times without a date as times, in the future when only the date is implied', () => {
      expect(found(dates.extract('at 3pm', context))).toEqual([['time', 'at 3pm', '15:00:00']]);
      expect(found(dates.extract('around 9:45', context))).toEqual([['time', '9:45', '09:45:00']]);
    });

    it('resolves durations from now as instants', () => {
      expect(found(dates.extract('in 2 hours', context))).toEqual([['datetime', 'in 2 hours', '2025-03-13T13:30:00+13:00']]);
    });

    it('keeps a zone named in the text', () => {
      expect(found(dates.extract('tomorrow 3pm EST', context))).toEqual([['datetime', 'tomorrow 3pm EST', '2025-03-14T15:00:00-05:00']]);
      expect(found(dates.extract('at 3pm GMT', context))).toEqual([['time', 'at 3pm GMT', '15:00:00+00:00']]);
    });

    it('returns ranges as from and to', () => {
      expect(found(dates.extract('friday 3-5pm', context))).toEqual([
        ['datetime', 'friday 3-5pm', { from: '2025-03-14T15:00:00+13:00', to: '2025-03-14T17:00:00+13:00' }],
      ]);
    });

    it('switches to standard time across the end of daylight saving (6 April 2025)', () => {
      const beforeTheChange = aContext({ timeZone: 'Pacific/Auckland', now: new Date('2025-04-05T10:00:00Z') });
      expect(found(dates.extract('tomorrow at 9am', beforeTheChange))).toEqual([['datetime', 'tomorrow at 9am', '2025-04-06T09:00:00+12:00']]);
    });
  });

  describe('in New York (Saturday 8 March 2025, 12:00 EST, the day before daylight saving)', () => {
    const context = aContext({ timeZone: 'America/New_York', now: new Date('2025-03-08T17:00:00Z') });

    it('uses the offset in force on the date meant, not the one in force now', () => {
      expect(found(dates.extract('today at 3pm', context))).toEqual([['datetime', 'today at 3pm', '2025-03-08T15:00:00-05:00']]);
      expect(found(dates.extract('tomorrow at 3pm', context))).toEqual([['datetime', 'tomorrow at 3pm', '2025-03-09T15:00:00-04:00']]);
      expect(found(dates.extract('in 24 hours', context))).toEqual([['datetime', 'in 24 hours', '2025-03-09T13:00:00-04:00']]);
    });

    it('moves a time the clocks skip forward by the gap', () => {
      expect(found(dates.extract('tomorrow at 2:30am', context))).toEqual([['datetime', 'tomorrow at 2:30am', '2025-03-09T03:30:00-04:00']]);
    });

    it('is still Saturday there while it is Sunday in Auckland', () => {
      expect(found(dates.extract('today', context))).toEqual([['date', 'today', '2025-03-08']]);
      expect(found(dates.extract('today', { ...context, timeZone: 'Pacific/Auckland' }))).toEqual([['date', 'today', '2025-03-09']]);
    });
  });

  it('reads day and month in the order of the locale', () => {
    expect(found(dates.extract('on 01/02', aContext({ locale: 'en-US' })))).toEqual([['date', '01/02', '2026-01-02']]);
    expect(found(dates.extract('on 01/02', aContext({ locale: 'en-GB' })))).toEqual([['date', '01/02', '2026-02-01']]);
  });

  it('reads French', () => {
    expect(found(dates.extract('demain à 15h', aContext({ locale: 'fr-FR' })))).toEqual([['datetime', 'demain à 15h', '2025-03-14T15:00:00+13:00']]);
  });

  it('falls back to UTC for a zone the browser does not know', () => {
    expect(found(dates.extract('today', aContext({ timeZone: 'Nowhere/Special' })))).toEqual([['date', 'today', '2025-03-12']]);
  });

  it('does not read chat filler or plain numbers as dates', () => {
    const context = aContext();
    expect(dates.extract('hold on a sec, the sun is hot', context)).toEqual([]);
    expect(dates.extract('my order A12345 never arrived, I have 2 items', context)).toEqual([]);
    expect(dates.extract('refund $49.99 to jane.doe@example.com', context)).toEqual([]);
  });
});
