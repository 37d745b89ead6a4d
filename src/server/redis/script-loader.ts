/**
 * Reads the Lua scripts of `scripts/` and resolves their includes, as BullMQ's command loader
 * does: a line `--- @include "name"` is replaced by `scripts/includes/name.lua`, each include
 * at most once per script (includes may include others), so a shared piece is written once.
 * A line `--- @flags allow-oom` becomes the script's shebang (`#!lua flags=allow-oom`), which
 * Redis 7 needs first: such a script may write while Redis is at maxmemory (a heartbeat).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export const SCRIPTS_DIR = path.join(import.meta.dirname, 'scripts');
export const INCLUDES_DIR = path.join(SCRIPTS_DIR, 'includes');

const INCLUDE = /^---\s*@include\s+"([^"]+)"\s*$/gm;
const FLAGS = /^---\s*@flags\s+([a-z,-]+)\s*$/m;
/** `claim-fire-5.lua`: the script's name, then its number of keys. */
const SCRIPT_FILE = /^([a-z][a-z0-9-]*)-(\d+)\.lua$/;

export interface LoadedScript {
  file: string;
  numberOfKeys: number;
  lua: string;
}

export class ScriptLoadError extends Error {
  override name = 'ScriptLoadError';
}

/** The script files (not the includes), sorted. */
export function scriptFiles(): string[] {
  return readdirSync(SCRIPTS_DIR)
    .filter((f) => f.endsWith('.lua'))
    .sort();
}

/** Reads `file` (e.g. `fire-claim-7.lua`) with every include resolved. */
export function loadScript(file: string): LoadedScript {
  const match = SCRIPT_FILE.exec(file);
  if (!match) {
    throw new ScriptLoadError(`${file}: a script is named name-<number of keys>.lua`);
  }
  const source = readFileSync(path.join(SCRIPTS_DIR, file), 'utf8');
  const flags = FLAGS.exec(source)?.[1];
  const lua = resolveIncludes(source.replace(FLAGS, ''), file, new Set());
  return {
    file,
    numberOfKeys: Number(match[2]),
    lua: flags ? `#!lua flags=${flags}\n${lua}` : lua,
  };
}

function resolveIncludes(source: string, from: string, included: Set<string>): string {
  return source.replace(INCLUDE, (_line, name: string) => {
    if (included.has(name)) return '';
    included.add(name);
    let text: string;
    try {
      text = readFileSync(path.join(INCLUDES_DIR, `${name}.lua`), 'utf8');
    } catch {
      throw new ScriptLoadError(`${from}: include "${name}" not found in ${INCLUDES_DIR}`);
    }
    return resolveIncludes(text, `includes/${name}.lua`, included).trimEnd();
  });
}
