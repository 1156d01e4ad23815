/**
 * cli/ owns the `parley` command (Node only, never in a browser bundle). Commands arrive with the
 * capabilities that need them: validate, train, eval, test and chat.
 */
import { Command } from 'commander';
import { PARLEY_VERSION } from '../version';
import { registerChat } from './commands/chat';
import { registerEval } from './commands/eval';
import { registerTest } from './commands/test';
import { registerTrain } from './commands/train';
import { registerValidate } from './commands/validate';

export function createProgram(): Command {
  const program = new Command('parley')
    .description('Build, test and run Parley chat bots whose language understanding runs in the browser.')
    .version(PARLEY_VERSION, '-v, --version', 'print the version')
    .showHelpAfterError('(run parley --help for usage)');
  registerValidate(program);
  registerTrain(program);
  registerEval(program);
  registerTest(program);
  registerChat(program);
  return program;
}
