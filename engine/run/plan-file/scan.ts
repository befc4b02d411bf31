/**
 * Streams a plan file in the layout `writePlanFile` writes — the header as indented JSON, then one
 * operation per line, one attention entry per line, the seal — so apply never holds the plan in
 * memory. A file in any other layout (reformatted by an editor, say) is reported as such and read
 * whole instead (see read.ts).
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

export type PlanPart =
  | { part: 'header'; value: unknown }
  | { part: 'op'; value: unknown; line: number }
  | { part: 'att'; value: unknown; line: number }
  | { part: 'seal'; value: unknown };

/** The file is valid JSON perhaps, but not laid out the way sluice writes plans. */
export class PlanLayoutError extends Error {}

const OPS_START = '  "operations": [';
const ATT_START = '  "attention": [';
const SECTION_END = '  ],';

function item(text: string, line: number): unknown {
  const t = text.endsWith(',') ? text.slice(0, -1) : text;
  if (!t.startsWith('    ')) throw new PlanLayoutError(`line ${line} is not an item of the list`);
  return JSON.parse(t) as unknown;
}

export async function* scanPlanFile(path: string): AsyncGenerator<PlanPart> {
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  let state: 'header' | 'ops' | 'between' | 'att' | 'seal' | 'end' = 'header';
  const header: string[] = [];
  let n = 0;
  let closed = false;
  for await (const text of lines) {
    n++;
    switch (state) {
      case 'header':
        if (text === OPS_START) {
          const body = header.join('\n');
          if (!body.endsWith(',')) throw new PlanLayoutError('the header does not end before "operations"');
          yield { part: 'header', value: JSON.parse(`${body.slice(0, -1)}\n}`) as unknown };
          state = 'ops';
        } else header.push(text);
        if (header.length > 10_000) throw new PlanLayoutError('no "operations" list after the header');
        break;
      case 'ops':
        if (text === SECTION_END) state = 'between';
        else yield { part: 'op', value: item(text, n), line: n };
        break;
      case 'between':
        if (text !== ATT_START) throw new PlanLayoutError(`line ${n}: expected the "attention" list`);
        state = 'att';
        break;
      case 'att':
        if (text === SECTION_END) state = 'seal';
        else yield { part: 'att', value: item(text, n), line: n };
        break;
      case 'seal': {
        const m = /^ {2}"seal": (.*)$/.exec(text);
        if (!m) throw new PlanLayoutError(`line ${n}: expected the seal`);
        yield { part: 'seal', value: JSON.parse(m[1]!) as unknown };
        state = 'end';
        break;
      }
      case 'end':
        if (text.trim() === '') break;
        if (text !== '}' || closed) throw new PlanLayoutError(`line ${n}: text after the seal`);
        closed = true;
        break;
    }
  }
  if (state !== 'end' || !closed)
    throw new PlanLayoutError('the file ends before the seal: it was truncated or edited');
}
