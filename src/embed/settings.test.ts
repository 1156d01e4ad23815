import { describe, expect, it } from 'vitest';
import { readSettings } from './settings';

describe('script-tag settings', () => {
  it('reads data-* attributes, ignoring invalid enumerations and numbers', () => {
    const settings = readSettings(
      { bot: '/models/acme/', position: 'left', theme: 'purple', primaryColor: '#ff0000', maxLength: '-4', open: '' },
      undefined,
    );
    expect(settings).toEqual({ bot: '/models/acme/', position: 'left', primaryColor: '#ff0000', open: true });
  });

  it('lets data-* attributes win over window.parleySettings', () => {
    const settings = readSettings({ title: 'From tag' }, { bot: '/b/', title: 'From window', load: 'interaction' });
    expect(settings).toEqual({ bot: '/b/', title: 'From tag', load: 'interaction' });
  });

  it('reads data-open="false" as closed and a valid max length as a number', () => {
    expect(readSettings({ open: 'false', maxLength: '500' }, undefined)).toEqual({ open: false, maxMessageLength: 500 });
  });

  it('reads data-nlu: auto, light, full, or off (no model: buttons only)', () => {
    expect(readSettings({ nlu: 'full' }, undefined)).toEqual({ nlu: 'full' });
    expect(readSettings({ nlu: 'light' }, undefined)).toEqual({ nlu: 'light' });
    expect(readSettings({ nlu: 'off' }, undefined)).toEqual({ nlu: false });
    expect(readSettings({ nlu: 'fast' }, undefined)).toEqual({});
  });
});
