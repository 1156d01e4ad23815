/** Parsers for option values, so a bad value stops the command with a message instead of a NaN run. */
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
