/**
 * cli/ owns the `parley` command (Node only, never in a browser bundle). Commands arrive with the
 * capabilities that need them: eval and train so far; test, chat and serve later.
 */
import { Command } from 'commander';
import { PARLEY_VERSION } from '../version';
import { registerEval } from './commands/eval';
import { registerTrain } from './commands/train';

export function createProgram(): Command {
  const program = new Command('parley')
    .description('Build, test and run Parley chat bots whose language understanding runs in the browser.')
    .version(PARLEY_VERSION, '-v, --version', 'print the version')
    .showHelpAfterError('(run parley --help for usage)');
  registerTrain(program);
  registerEval(program);
  return program;
}
