/**
 * Output paths are checked before training starts: a run can take twenty minutes, and finding then
 * that the report or bundle cannot be written would lose it.
 */
import { accessSync, constants, existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

/** Creates the folder (and its parents) if needed; returns why it cannot be written to, or null. */
export function folderProblem(dir: string): string | null {
  try {
    if (existsSync(dir) && !statSync(dir).isDirectory()) return `${dir} is not a folder`;
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
    return null;
  } catch (error) {
    return `${dir} cannot be written to (${(error as Error).message})`;
  }
}

/** The same for a file to be written: its folder must be writable and the path not a folder. */
export function fileProblem(file: string): string | null {
  try {
    if (statSync(file).isDirectory()) return `${file} is a folder, not a file`;
  } catch {
    // Not there yet: it will be created.
  }
  return folderProblem(dirname(file));
}
