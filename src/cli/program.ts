/**
 * cli/ owns the `parley` command (Node only, never in a browser bundle). Commands arrive with the
 * capabilities that need them (train, test, eval, chat, serve); for now: --help and --version.
 */
import { Command } from 'commander';

export function createProgram(): Command {
  return new Command('parley')
    .description('Build, test and run Parley chat bots whose language understanding runs in the browser.')
    .version(__PARLEY_VERSION__, '-v, --version', 'print the version')
    .showHelpAfterError('(run parley --help for usage)');
}
