/** Turns theme options into CSS custom properties on the host element (set through the CSSOM: CSP-safe). */
import type { WidgetOptions } from './options';
import { trimText } from '../text';

/** Relative luminance of a #rgb / #rrggbb colour, or undefined for any other notation. */
export function luminance(color: string): number | undefined {
  const match = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(trimText(color));
  if (!match?.[1]) return undefined;
  const hex = match[1].length === 3 ? [...match[1]].map((c) => c + c).join('') : match[1];
  const [r, g, b] = [0, 2, 4].map((i) => {
    const channel = parseInt(hex.slice(i, i + 2), 16) / 255;
    return channel <= 0.03928 ? channel / 12.92 : ((channel + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** Black or white text, whichever reads better on the brand colour (white when it cannot tell). */
export function textColorOn(background: string): '#000000' | '#ffffff' {
  const l = luminance(background);
  if (l === undefined) return '#ffffff';
  const contrastWithWhite = 1.05 / (l + 0.05);
  const contrastWithBlack = (l + 0.05) / 0.05;
  return contrastWithBlack > contrastWithWhite ? '#000000' : '#ffffff';
}

export function applyTheme(host: HTMLElement, options: Pick<WidgetOptions, 'primaryColor' | 'font' | 'theme'>): void {
  if (options.primaryColor) {
    host.style.setProperty('--parley-primary', options.primaryColor);
    host.style.setProperty('--parley-on-primary', textColorOn(options.primaryColor));
  }
  if (options.font) host.style.setProperty('--parley-font', options.font);
  if (options.theme && options.theme !== 'auto') host.dataset.theme = options.theme;
  else delete host.dataset.theme;
}
