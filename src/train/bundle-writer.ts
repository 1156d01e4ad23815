/** Writes a bot bundle: `bot.json` (menu, NLU bundle, rule extractors) and `model.onnx`, next to each other. */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DialogueBot } from '../bot/dialogue-schema';
import type { MenuBot } from '../bot/menu-bot';
import type { NluBundle } from '../nlu/bundle';
import type { ExtractorsDefinition } from '../nlu/extractors';

export interface BotBundleFile extends Partial<MenuBot> {
  name: string;
  nlu: NluBundle;
  extractors: ExtractorsDefinition;
  /** Slots, flows, rules, responses and settings: what the dialogue engine runs. */
  dialogue: DialogueBot;
  /**
   * What the bundle was built from, to rebuild only when it changed; `draft` when the final fit was
   * skipped (`parley train --no-refit`), so a later full build does not take it for current.
   */
  source: { sha256: string; parleyVersion: string; draft?: true };
}

/** Writes both files through temporary names, so a failed write never leaves half a bundle. */
export function writeBundle(dir: string, bot: BotBundleFile, model: Uint8Array): { botJson: string; modelFile: string } {
  mkdirSync(dir, { recursive: true });
  const modelFile = join(dir, bot.nlu.model.file);
  const botJson = join(dir, 'bot.json');
  writeFileSync(`${modelFile}.tmp`, model);
  writeFileSync(`${botJson}.tmp`, `${JSON.stringify(bot)}\n`);
  renameSync(`${modelFile}.tmp`, modelFile);
  renameSync(`${botJson}.tmp`, botJson);
  return { botJson, modelFile };
}
