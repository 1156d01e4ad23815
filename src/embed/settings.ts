/** Reads the widget's settings from the script tag's data-* attributes and `window.parleySettings`. */
import type { WidgetOptions } from '../ui/options';
import { trimText } from '../text';

/** `load` also decides when the loader fetches the rest of the widget. */
export type EmbedSettings = Partial<WidgetOptions>;

const oneOf = <T extends string>(value: string | undefined, allowed: readonly T[]): T | undefined =>
  allowed.find((option) => option === value);

/** data-* attributes win over `window.parleySettings`, which can also carry non-string values. */
export function readSettings(dataset: DOMStringMap, globalSettings: EmbedSettings | undefined): EmbedSettings {
  const fromTag: EmbedSettings = {};
  const text = (key: string) => trimText(dataset[key] ?? '') || undefined;
  const assign = <K extends keyof EmbedSettings>(key: K, value: EmbedSettings[K] | undefined) => {
    if (value !== undefined) fromTag[key] = value;
  };
  assign('bot', text('bot'));
  assign('title', text('title'));
  assign('greeting', text('greeting'));
  assign('fulfillmentUrl', text('fulfillmentUrl'));
  assign('avatar', text('avatar'));
  assign('primaryColor', text('primaryColor'));
  assign('font', text('font'));
  assign('locale', text('locale'));
  assign('position', oneOf(text('position'), ['left', 'right'] as const));
  assign('theme', oneOf(text('theme'), ['auto', 'light', 'dark'] as const));
  assign('load', oneOf(text('load'), ['idle', 'interaction'] as const));
  assign('nluBackend', oneOf(text('nluBackend'), ['auto', 'wasm', 'webgpu'] as const));
  const nlu = oneOf(text('nlu'), ['auto', 'light', 'full', 'off'] as const);
  assign('nlu', nlu === 'off' ? false : nlu);
  const maxLength = Number(text('maxLength'));
  assign('maxMessageLength', Number.isInteger(maxLength) && maxLength > 0 ? maxLength : undefined);
  if (dataset.open !== undefined) assign('open', dataset.open !== 'false');
  return { ...globalSettings, ...fromTag };
}
