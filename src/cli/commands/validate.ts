/** `parley validate <bot>`: every problem of a bot definition, with file, line and path. */
import type { Command } from 'commander';
import { formatProblem } from '../../bot/definition';
import { DefinitionError, hasErrors, readDefinitionFiles } from '../../train/definition-files';

export function registerValidate(program: Command): void {
  program
    .command('validate')
    .argument('<bot>', 'bot definition (.yaml or .json), or a folder of them')
    .description('check a bot definition: schema, references between sections, examples; exits 1 on errors')
    .action((bot: string) => {
      let read;
      try {
        read = readDefinitionFiles(bot);
      } catch (error) {
        if (!(error instanceof DefinitionError)) throw error;
        console.error(error.message);
        process.exitCode = 1;
        return;
      }
      for (const problem of read.problems) (problem.severity === 'warning' ? console.warn : console.error)(formatProblem(problem));
      const errors = read.problems.filter((p) => p.severity !== 'warning').length;
      const warnings = read.problems.length - errors;
      if (hasErrors(read.problems)) {
        console.error(`\n${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'} in ${read.files.join(', ')}`);
        process.exitCode = 1;
        return;
      }
      const definition = read.definition!;
      const examples = Object.values(definition.intents).reduce((sum, intent) => sum + intent.examples.length, 0);
      console.log(
        `${read.files.join(', ')}: valid (${warnings} warning${warnings === 1 ? '' : 's'}): ${Object.keys(definition.intents).length} intents, ${examples} examples, ` +
          `${Object.keys(definition.slots).length} slots, ${Object.keys(definition.flows).length} flows, ${Object.keys(definition.rules).length} rules, ${Object.keys(definition.responses).length} responses`,
      );
    });
}
