import { describe, expect, it } from 'vitest';
import { chooseStages } from './stage-policy';

describe('which stages a visitor loads', () => {
  it('auto: the light stage first, then the full model', () => {
    expect(chooseStages('auto', undefined).stages).toBe('both');
    expect(chooseStages('auto', { effectiveType: '4g', saveData: false }).stages).toBe('both');
    expect(chooseStages('auto', { effectiveType: '3g' }).stages).toBe('both');
  });

  it('auto keeps the light stage for Save-Data and 2G connections', () => {
    expect(chooseStages('auto', { saveData: true, effectiveType: '4g' })).toEqual({ stages: 'light', reason: 'the visitor asked to save data (Save-Data)' });
    expect(chooseStages('auto', { effectiveType: '2g' }).stages).toBe('light');
    expect(chooseStages('auto', { effectiveType: 'slow-2g' }).stages).toBe('light');
  });

  it('the site can force either stage, whatever the connection', () => {
    expect(chooseStages('full', { saveData: true, effectiveType: 'slow-2g' }).stages).toBe('full');
    expect(chooseStages('light', { effectiveType: '4g' }).stages).toBe('light');
  });
});
