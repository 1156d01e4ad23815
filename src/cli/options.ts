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

/** A comma-separated list of distinct whole numbers, such as seeds: "1,2,3". */
export function wholeNumberList(value: string): number[] {
  const numbers = value.split(',').map((part) => {
    const trimmed = part.trim();
    const parsed = Number(trimmed);
    if (trimmed === '' || !Number.isInteger(parsed) || parsed < 0) throw new InvalidArgumentError(`expected whole numbers separated by commas (such as 1,2,3), got "${value}".`);
    return parsed;
  });
  if (new Set(numbers).size !== numbers.length) throw new InvalidArgumentError(`"${value}" names a number twice.`);
  return numbers;
}

/** `--one-thread` of `train` and `eval`. */
export const ONE_THREAD_HELP =
  'train the final fit on all examples after the held-out run, not alongside it in a second thread: the same model, a longer wait, less memory (the demo bot: 0.83 GB instead of 1.24)';
