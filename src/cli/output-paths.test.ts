import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileProblem, folderProblem } from './output-paths';

describe('output paths are checked before a run', () => {
  const root = mkdtempSync(join(tmpdir(), 'parley-out-'));
  writeFileSync(join(root, 'a-file'), '');

  it('creates missing folders and accepts them', () => {
    expect(folderProblem(join(root, 'models', 'bot'))).toBeNull();
    expect(fileProblem(join(root, 'reports', 'today', 'report.json'))).toBeNull();
  });

  it('names the path and what is wrong with it', () => {
    expect(folderProblem(join(root, 'a-file'))).toBe(`${join(root, 'a-file')} is not a folder`);
    expect(folderProblem(join(root, 'a-file', 'bundle'))).toMatch(new RegExp(`^${join(root, 'a-file', 'bundle')} cannot be written to \\(`));
    expect(fileProblem(root)).toBe(`${root} is a folder, not a file`);
    expect(fileProblem(join(root, 'a-file', 'report.json'))).toBe(`${join(root, 'a-file')} is not a folder`);
  });
});
