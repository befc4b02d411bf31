/** Where sluice's own files are (pipelines, schemas), from sources (vitest) and from dist/ alike. */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root: the nearest directory above this module holding sluice's package.json. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'pipelines'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the sluice package root (package.json with pipelines/)');
    dir = up;
  }
}
