/**
 * The rules `npm run lint` checks with dependency-cruiser (.dependency-cruiser.mjs) catch what they
 * are for: run on a planted tree, they report an engine → connectors import (a type-only one too),
 * a connectors → app import and a runtime import cycle, and let a cycle through `import type` (or only `type` names) pass.
 * The repository itself is cruised by `npm run lint`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { cruise, type ICruiseOptions, type ICruiseResult, type IFlattenedRuleSet } from 'dependency-cruiser';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/tmp.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

const planted: Record<string, string> = {
  'engine/uses-connector-type.ts': "import type { C } from '../connectors/c.js';\nexport const f = (c: C): C => c;\n",
  'engine/fine.ts': "import { g } from './cycle-a.js';\nexport const fine = g;\n",
  'engine/cycle-a.ts': "import { b } from './cycle-b.js';\nexport const g = (): number => b;\n",
  'engine/cycle-b.ts': "import { g } from './cycle-a.js';\nexport const b = 1;\nexport const h = g;\n",
  'engine/types-a.ts': "import type { T } from './types-b.js';\nexport const x = (t: T): T => t;\n",
  'engine/types-b.ts': "import { x } from './types-a.js';\nexport type T = { n: number };\nexport const y = x;\n",
  'engine/inline-a.ts': "import { type U } from './inline-b.js';\nexport const z = (u: U): U => u;\n",
  'engine/inline-b.ts': "import { z } from './inline-a.js';\nexport type U = { n: number };\nexport const w = z;\n",
  'connectors/c.ts': 'export interface C {\n  id: string;\n}\n',
  'connectors/uses-app.ts': "import { main } from '../app/main.js';\nexport const m = main;\n",
  'app/main.ts': "import { f } from '../engine/uses-connector-type.js';\nexport const main = f;\n",
};

async function violations(): Promise<string[]> {
  const dir = tempDir();
  for (const [file, text] of Object.entries(planted)) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), text);
  }
  const config = (await import(pathToFileURL(join(root, '.dependency-cruiser.mjs')).href)) as {
    default: IFlattenedRuleSet & { options: Pick<ICruiseOptions, 'tsPreCompilationDeps' | 'exclude' | 'doNotFollow'> };
  };
  const { forbidden } = config.default;
  const { tsPreCompilationDeps, exclude, doNotFollow } = config.default.options;
  const result = await cruise(
    ['engine', 'connectors', 'app'],
    { validate: true, ruleSet: { forbidden }, tsPreCompilationDeps, exclude, doNotFollow, baseDir: dir },
    undefined,
    { tsConfig: { compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', strict: true } } },
  );
  const output = result.output as ICruiseResult;
  return output.summary.violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`).sort();
}

describe('dependency rules (.dependency-cruiser.mjs)', () => {
  it('report the layer breaches and the runtime cycle, and nothing else', async () => {
    const found = await violations();
    expect(found.filter((v) => !v.startsWith('no-runtime-cycles'))).toEqual([
      'connectors-not-to-app: connectors/uses-app.ts -> app/main.ts',
      'engine-not-to-connectors-or-app: engine/uses-connector-type.ts -> connectors/c.ts',
    ]);
    // The cycle is reported once, from whichever of its two modules the cruise reached first.
    const cycles = found.filter((v) => v.startsWith('no-runtime-cycles'));
    expect(cycles).toHaveLength(1);
    expect(cycles[0]).toMatch(/^no-runtime-cycles: engine\/cycle-[ab]\.ts -> engine\/cycle-[ab]\.ts$/);
  }, 60_000);
});
