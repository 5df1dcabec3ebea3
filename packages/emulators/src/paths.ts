import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { STATE_DIR_FALLBACK_NAME, STATE_DIR_RELATIVE } from './defaults.js';

/**
 * The npm-workspaces root above `from`. Found from the working directory rather than from this
 * file's URL so the code behaves the same under tsx, ts-jest (ESM or CJS) and the built dist.
 */
export function findRepoRoot(from: string = process.cwd()): string | undefined {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        const parsed = JSON.parse(readFileSync(manifest, 'utf8')) as { workspaces?: unknown };
        if (parsed.workspaces !== undefined) return dir;
      } catch {
        // A malformed package.json further down is not the root; keep walking up.
      }
    }
    if (dirname(dir) === dir) return undefined;
  }
}

/** `<repo>/.tmp/emulators` (gitignored), or a temp dir outside a checkout; `EMULATORS_STATE_DIR` overrides both. */
export function emulatorStateDir(): string {
  const override = process.env['EMULATORS_STATE_DIR'];
  if (override) return resolve(override);
  const root = findRepoRoot();
  return root ? join(root, STATE_DIR_RELATIVE) : join(tmpdir(), STATE_DIR_FALLBACK_NAME);
}
