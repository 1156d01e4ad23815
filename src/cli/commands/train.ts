/** `parley train <bot.yaml|dir>`: trains the bot's model and writes its bundle. */
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { ONE_THREAD_HELP, wholeNumber } from '../options';
import { fileProblem, folderProblem } from '../output-paths';
import { createProgressPrinter } from '../progress';
import { describeHeldOut, describeLightStage } from '../train-summary';
import type { TrainBotSummary } from '../../train/train-bot';
import { loadTrainer } from '../trainer-modules';

export function registerTrain(program: Command): void {
  program
    .command('train')
    .argument('<bot>', 'bot definition (.yaml or .json), or a folder holding bot.yaml')
    .description('train the bot’s language model and write its bundle (bot.json + model.onnx)')
    .option('--out <dir>', 'bundle folder (default: models/<bot name>/)')
    .option('--seed <n>', 'random seed', wholeNumber(0))
    .option('--if-changed', 'do nothing when the bundle is already built from this definition')
    .option('--no-refit', 'skip the final fit on all examples: half the training time, for quick drafts (the held-out 10% is then never trained on)')
    .option('--report <file>', 'write the held-out examples as an HTML page: every one answered wrong, confusion heat map, per intent')
    .option('--one-thread', ONE_THREAD_HELP)
    .action(async (bot: string, options: { out?: string; seed?: number; ifChanged?: boolean; refit: boolean; report?: string; oneThread?: boolean }) => {
      const trainer = await loadTrainer();
      let definitionFile: string;
      let sha256: string;
      try {
        definitionFile = trainer.resolveDefinitionFile(bot);
        sha256 = trainer.readDefinition(definitionFile).sha256;
      } catch (error) {
        if (error instanceof trainer.DefinitionError) {
          console.error(`The bot definition has problems:\n${error.message}`);
          process.exitCode = 1;
          return;
        }
        throw error;
      }
      const dir = options.out ?? trainer.defaultBundleDir(definitionFile);
      if (options.ifChanged && trainer.bundleIsCurrent(dir, sha256, { draftWillDo: !options.refit })) {
        console.log(`${dir} is up to date with ${definitionFile}`);
        // The report is made by a training run: say so rather than leave an old page or none.
        if (options.report !== undefined) console.error(`No report written: it comes from training, and nothing was trained (leave out --if-changed to train and write ${options.report})`);
        return;
      }
      const outputProblem = folderProblem(dir) ?? (options.report !== undefined ? fileProblem(options.report) : null);
      if (outputProblem) {
        console.error(`Nothing was trained: ${outputProblem}`);
        process.exitCode = 1;
        return;
      }
      console.error(`Training ${definitionFile} (loading word vectors...)`);
      const summary = await trainer.trainBot({
        definitionFile,
        outDir: dir,
        wordVectors: trainer.loadWordVectors(),
        ...(options.seed !== undefined && { seed: options.seed }),
        refit: options.refit,
        ...(options.oneThread && { finalFitAlongside: false }),
        onProgress: createProgressPrinter(),
      });
      console.log(
        [
          `bot                ${summary.name}`,
          `intents            ${summary.intents}`,
          `examples           ${summary.examples}`,
          ...describeHeldOut(summary.heldOut),
          describeLightStage(summary.light),
          `final fit          ${describeFinalFit(summary.refit, summary.examples, options)}`,
          `model bytes        ${summary.modelBytes}`,
          `seconds            ${summary.seconds.toFixed(1)}`,
          `bundle             ${summary.dir}/`,
          ...(options.report !== undefined ? [`report             ${options.report}`] : []),
        ].join('\n'),
      );
      if (options.report !== undefined) writeFileSync(options.report, trainer.renderHeldOutReport(`Parley: ${summary.name}, held-out examples`, summary));
    });
}

function describeFinalFit(refit: TrainBotSummary['refit'], examples: number, options: { refit: boolean; oneThread?: boolean }): string {
  if (refit === null) return options.refit ? 'none (too few examples to hold any out)' : 'skipped (--no-refit)';
  const where =
    refit.alongside === true
      ? 'in a second thread, alongside the held-out run'
      : `after the held-out run (${options.oneThread ? '--one-thread' : refit.alongside.reason})`;
  return `all ${examples} examples, ${refit.epochs} epochs, ${where}`;
}
