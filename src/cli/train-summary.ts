/** The lines of `parley train`'s summary about the held-out examples. */
import { MIN_EXAMPLES } from '../bot/lint';
import type { TrainBotSummary } from '../train/train-bot';

const MISSES_SHOWN = 10;
const clip = (text: string) => (text.length > 60 ? `${text.slice(0, 59)}…` : text);

/** What the held-out examples say of the bot, as it will answer (the out-of-scope threshold applied). */
export function describeHeldOut(heldOut: TrainBotSummary['heldOut']): string[] {
  if (heldOut === null) return [`valid accuracy     – (too few examples to hold any out: give each intent ${MIN_EXAMPLES} or more)`];
  const percent = (part: number, whole: number) => `${((part / Math.max(whole, 1)) * 100).toFixed(2)}%`;
  const lines = [`valid accuracy     ${percent(heldOut.inScopeRight, heldOut.inScope)} of ${heldOut.inScope} held-out examples (a tenth of each intent)`];
  if (heldOut.outOfScope > 0) {
    lines.push(`out of scope       ${heldOut.outOfScopeDeclined} of ${heldOut.outOfScope} held-out out_of_scope examples declined (${percent(heldOut.outOfScopeDeclined, heldOut.outOfScope)})`);
  }
  // The confident mistakes first: an example that contradicts another, or an intent that needs more.
  const shown = heldOut.misses.slice(0, MISSES_SHOWN);
  if (shown.length > 0) {
    const more = heldOut.misses.length - shown.length;
    lines.push(`held-out misses    ${heldOut.misses.length}${more > 0 ? ` (the ${shown.length} most confident)` : ''}: "example"  its intent -> the answer (confidence)`);
    for (const miss of shown) lines.push(`  ${JSON.stringify(clip(miss.text))}  ${miss.intent} -> ${miss.answered} (${miss.confidence.toFixed(2)})`);
  }
  return lines;
}

/** The light stage's line: how it does on the same held-out examples, and its table's bytes. */
export function describeLightStage(light: TrainBotSummary['light']): string {
  const bytes = `${(light.tableBytes / 1024).toFixed(1)} KB int8`;
  const heldOut = light.heldOut;
  if (heldOut === null) return `light stage        ${bytes}`;
  const percent = (part: number, whole: number) => `${((part / Math.max(whole, 1)) * 100).toFixed(2)}%`;
  const declined = heldOut.outOfScope > 0 ? `, ${heldOut.outOfScopeDeclined} of ${heldOut.outOfScope} out_of_scope declined` : '';
  return `light stage        ${percent(heldOut.inScopeRight, heldOut.inScope)} of the held-out examples${declined}; ${bytes} (answers while the transformer loads)`;
}
