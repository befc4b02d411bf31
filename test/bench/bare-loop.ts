/**
 * The yardstick, run as its own child process: stream and parse the same JSON Lines input,
 * evaluate the same compiled JSONata (with the same `$lookup` over the same accounts file) per
 * record, serialise each result to a JSON Lines output file. No engine, no state store.
 * `node bare-loop.js <input.jsonl> <accounts.json> <output.jsonl>`; prints the record count.
 */
import { createReadStream, createWriteStream, readFileSync } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import jsonata from 'jsonata';
import { TRANSFORM } from './workload.js';

const [input, accountsFile, output] = process.argv.slice(2);
if (!input || !accountsFile || !output) throw new Error('usage: bare-loop.js <input> <accounts.json> <output>');

const expr = jsonata(TRANSFORM);
const accounts = new Map(
  (JSON.parse(readFileSync(accountsFile, 'utf8')) as { ExpenseType: string }[]).map((a) => [a.ExpenseType, a]),
);
const bindings = {
  lookup: (_name: string, key: unknown) => (key === undefined || key === null ? undefined : accounts.get(String(key))),
};

const out = createWriteStream(output);
let buf = '';
let count = 0;
for await (const line of createInterface({ input: createReadStream(input), crlfDelay: Infinity })) {
  if (line === '') continue;
  const result = (await expr.evaluate(JSON.parse(line), bindings)) as unknown;
  buf += JSON.stringify(result) + '\n';
  count++;
  if (buf.length > 1 << 16) {
    if (!out.write(buf)) await once(out, 'drain');
    buf = '';
  }
}
out.write(buf);
await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
process.stdout.write(`${count}\n`);
