/**
 * The saved plan (`sluice plan --out plan.json`): what apply will do, exactly, plus the hashes that
 * let apply refuse when the pipeline file or the target records changed since.
 */
import { createWriteStream, readFileSync } from 'node:fs';
import { once } from 'node:events';
import { ConfigError } from '../errors.js';
import type { Spill, SpillItem } from '../plan/spill.js';
import type { PlanAttention, PlanOp, PlanSummary } from '../plan/types.js';

export const PLAN_FORMAT = 'sluice-plan/1';

export interface PlanHeader {
  format: typeof PLAN_FORMAT;
  createdAt: string;
  runId: string;
  pipeline: { name: string; path: string; hash: string };
  connectionsPath: string;
  summary: PlanSummary;
}

export interface PlanDocument extends PlanHeader {
  operations: PlanOp[];
  attention: PlanAttention[];
}

/** Streams the plan to a JSON file: header, then operations and attention from the spill. */
export async function writePlanFile(path: string, header: PlanHeader, spill: Spill): Promise<void> {
  const out = createWriteStream(path, { encoding: 'utf8' });
  const write = async (s: string): Promise<void> => {
    if (!out.write(s)) await once(out, 'drain');
  };
  const head = JSON.stringify(header, null, 2);
  await write(head.slice(0, -2) + ',\n  "operations": [');
  const attention: PlanAttention[] = [];
  let first = true;
  for await (const item of spill.items()) {
    if (item.t === 'att') {
      attention.push(item.att);
      continue;
    }
    if (item.op.op === 'noop' && !item.op.adopt) continue;
    await write(`${first ? '' : ','}\n    ${JSON.stringify(item.op)}`);
    first = false;
  }
  await write(`\n  ],\n  "attention": [`);
  await write(attention.map((a, i) => `${i === 0 ? '' : ','}\n    ${JSON.stringify(a)}`).join(''));
  await write('\n  ]\n}\n');
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
}

export function readPlanFile(path: string): PlanDocument {
  let doc: PlanDocument;
  try {
    doc = JSON.parse(readFileSync(path, 'utf8')) as PlanDocument;
  } catch (cause) {
    throw new ConfigError('PLAN_UNREADABLE', `cannot read plan file ${path}: ${(cause as Error).message}`, { cause });
  }
  if (doc.format !== PLAN_FORMAT || !Array.isArray(doc.operations)) {
    throw new ConfigError(
      'PLAN_INVALID',
      `${path} is not a sluice plan (format ${PLAN_FORMAT}); create one with sluice plan --out`,
    );
  }
  return doc;
}

export async function* planItems(doc: PlanDocument): AsyncIterable<SpillItem> {
  for (const att of doc.attention ?? []) yield { t: 'att', att };
  for (const op of doc.operations) yield { t: 'op', op };
}
