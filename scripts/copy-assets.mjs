// Copies the JSON/YAML/CSV/XML assets that modules load at run time (schemas, emulator fixtures) into dist/,
// keeping the source layout so `new URL('./x.json', import.meta.url)` resolves the same way.
import { cpSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const roots = ['app', 'engine', 'connectors', 'schemas', 'test'];
const wanted = /\.(json|ya?ml|csv|jsonl|xml)$/;

function walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (name === 'node_modules') continue;
    if (statSync(path).isDirectory()) walk(path);
    else if (wanted.test(name)) {
      const out = join(root, 'dist', relative(root, path));
      mkdirSync(dirname(out), { recursive: true });
      cpSync(path, out);
    }
  }
}
for (const r of roots) if (existsSync(join(root, r))) walk(join(root, r));
