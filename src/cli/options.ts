/**
 * Parsers for option values, so a bad value stops the command with a message instead of a NaN run;
 * and the help of options that more than one command has.
 */
import { InvalidArgumentError } from 'commander';

/** A whole number of at least `min` (commander reports the option's name with the message). */
export function wholeNumber(min: number): (value: string) => number {
  return (value) => {
    const trimmed = value.trim();
    const parsed = Number(trimmed);
    if (trimmed === '' || !Number.isInteger(parsed) || parsed < min) throw new InvalidArgumentError(`expected a whole number of at least ${min}, got "${value}".`);
    return parsed;
  };
}

/** `--one-thread` of `train` and `eval`. */
export const ONE_THREAD_HELP =
  'train the final fit on all examples after the held-out run, not alongside it in a second thread: the same model, a longer wait, less memory (the demo bot: 0.83 GB instead of 1.24)';
