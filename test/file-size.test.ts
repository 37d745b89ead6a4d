/**
 * No source file under src/ over 400 lines, whatever its kind: ESLint's max-lines covers the
 * TypeScript, this covers the rest (styles, Lua scripts, data tables).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(import.meta.dirname, '../src');
const TEXT = /\.(ts|tsx|css|lua|json|md)$/;

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return files(full);
    return TEXT.test(entry.name) ? [full] : [];
  });
}

describe('file size', () => {
  it('keeps every text file under src/ at 400 lines or fewer', () => {
    const long = files(SRC)
      .map((file) => ({
        file: path.relative(SRC, file),
        lines: readFileSync(file, 'utf8').split('\n').length - 1,
      }))
      .filter((f) => f.lines > 400);
    expect(long).toEqual([]);
  });
});
