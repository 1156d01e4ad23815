/**
 * A bot as `parley test` and `parley chat` run it in Node: the dialogue from the definition (so edits
 * to responses and flows need no retraining) and the language model from the trained bundle, through
 * the same parser the browser worker uses.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dialogueOf } from '../bot/dialogue-bundle';
import type { BotDefinition } from '../bot/definition';
import type { DialogueBot } from '../bot/dialogue-schema';
import { parseNluBundle } from '../nlu/bundle';
import { createExtractors, type ExtractorsDefinition } from '../nlu/extractors';
import { createLightParser } from '../nlu/light/light-parser';
import type { ParseResult, Stage } from '../nlu/parse';
import { defaultBundleName, readValidDefinition } from '../train/definition-files';
import { createNodeParser } from '../train/runtime-node';

export interface BotRuntime {
  definition: BotDefinition;
  dialogue: DialogueBot;
  parse(text: string, now: number): Promise<ParseResult>;
  /** Below this calibrated confidence the model answers out of scope (0: the bot has no out_of_scope examples). */
  outOfScopeThreshold: number;
  /** Which stage answers: the transformer ('full', what a warm widget runs) or the light stage alone. */
  stage: Stage;
}

export class BundleError extends Error {}

export async function loadBotRuntime(botPath: string, bundleDir = join('models', defaultBundleName(botPath)), stage: Stage = 'full'): Promise<BotRuntime> {
  const { definition } = readValidDefinition(botPath);
  const botJson = join(bundleDir, 'bot.json');
  if (!existsSync(botJson)) throw new BundleError(`${botJson} not found: train the bot first with parley train ${botPath}`);
  const bot = JSON.parse(readFileSync(botJson, 'utf8')) as { nlu?: unknown; extractors?: ExtractorsDefinition };
  const nlu = parseNluBundle(bot.nlu, `${botJson} nlu`);
  if (!nlu.ok) throw new BundleError(`${nlu.problems.join('\n')}\nRetrain the bot: parley train ${botPath}`);
  const intents = Object.keys(definition.intents).sort();
  const labels = [...nlu.value.labels].sort();
  if (intents.join() !== labels.join()) throw new BundleError(`${botJson} was trained on other intents than ${botPath} has now: retrain with parley train ${botPath}`);
  const extractors = bot.extractors ?? { builtins: [] };
  const context = (now: number) => ({ now: new Date(now), timeZone: 'UTC', locale: 'en' });
  if (stage === 'light') {
    if (!nlu.value.light) throw new BundleError(`${botJson} has no light stage (a bundle from before format 4): retrain with parley train ${botPath}`);
    const light = createLightParser(nlu.value, createExtractors(extractors));
    return { definition, dialogue: dialogueOf(definition), parse: async (text, now) => light.parse(text, context(now)), outOfScopeThreshold: nlu.value.light.threshold, stage };
  }
  const model = readFileSync(join(bundleDir, nlu.value.model.file));
  const parser = await createNodeParser(nlu.value, model, 'web-wasm', extractors);
  return {
    definition,
    dialogue: dialogueOf(definition),
    parse: (text, now) => parser.parse(text, context(now)),
    outOfScopeThreshold: nlu.value.threshold,
    stage,
  };
}
