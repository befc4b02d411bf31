/**
 * Reads a saved plan and proves it is the plan `sluice plan` wrote (see verify.ts), streaming: the
 * file is first copied to a private place (so it cannot change between the check and the apply),
 * verified part by part, and then read again, part by part, by whatever applies it. A plan in
 * another layout than sluice's own (reformatted, say) is read whole instead, with the same checks.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PlanAttention, PlanItem, PlanOp } from '../../plan/types.js';
import type { PlanHeader } from './document.js';
import { PlanLayoutError, scanPlanFile } from './scan.js';
import { checkWholeSchema, PlanVerifier, refuse } from './verify.js';

export interface VerifiedPlan {
  readonly header: PlanHeader;
  /** The plan's items for apply: attention entries, then operations (streamed). */
  items(): AsyncIterable<PlanItem>;
  operations(): AsyncIterable<PlanOp>;
  /** Removes the private copy. */
  dispose(): void;
}

/** The plan file, verified; `key` is the state store's plan key. */
export async function readPlanFile(path: string, key: Buffer): Promise<VerifiedPlan> {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-plan-'));
  const copy = join(dir, 'plan.json');
  try {
    copyFileSync(path, copy);
  } catch (cause) {
    rmSync(dir, { recursive: true, force: true });
    throw refuse('PLAN_UNREADABLE', path, `cannot read the plan file (${(cause as Error).message})`, cause);
  }
  const dispose = (): void => rmSync(dir, { recursive: true, force: true });
  try {
    const header = await verifyStreaming(path, copy, key);
    return {
      header,
      items: () => streamItems(copy),
      operations: () => streamOps(copy),
      dispose,
    };
  } catch (err) {
    if (!(err instanceof PlanLayoutError)) {
      dispose();
      throw err;
    }
  }
  try {
    const whole = verifyWhole(path, copy, key);
    return { ...whole, dispose };
  } catch (err) {
    dispose();
    throw err;
  }
}

async function verifyStreaming(path: string, copy: string, key: Buffer): Promise<PlanHeader> {
  const v = new PlanVerifier(path, key);
  try {
    for await (const part of scanPlanFile(copy)) {
      if (part.part === 'header') v.header(part.value);
      else if (part.part === 'op') v.op(part.value);
      else if (part.part === 'att') v.attention(part.value);
      else v.seal(part.value);
    }
  } catch (err) {
    if (err instanceof SyntaxError) throw new PlanLayoutError(err.message);
    throw err;
  }
  return v.finish();
}

async function* streamItems(copy: string): AsyncIterable<PlanItem> {
  // Attention entries first (they follow the operations in the file): one pass for each.
  for await (const part of scanPlanFile(copy))
    if (part.part === 'att') yield { t: 'att', att: part.value as PlanAttention };
  for await (const op of streamOps(copy)) yield { t: 'op', op };
}

async function* streamOps(copy: string): AsyncIterable<PlanOp> {
  for await (const part of scanPlanFile(copy)) if (part.part === 'op') yield part.value as PlanOp;
}

function verifyWhole(path: string, copy: string, key: Buffer): Omit<VerifiedPlan, 'dispose'> {
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(copy, 'utf8'));
  } catch (cause) {
    throw refuse(
      'PLAN_UNREADABLE',
      path,
      `not valid JSON (${(cause as Error).message}); was it truncated or edited?`,
      cause,
    );
  }
  const v = new PlanVerifier(path, key);
  if (typeof doc !== 'object' || doc === null) return v.header(doc) as never;
  const { operations, attention, seal, ...head } = doc as Record<string, unknown>;
  v.header(head);
  checkWholeSchema(path, doc);
  const ops = operations as PlanOp[];
  const atts = attention as PlanAttention[];
  for (const op of ops) v.op(op);
  for (const att of atts) v.attention(att);
  v.seal(seal);
  const header = v.finish();
  return {
    header,
    items: async function* () {
      for (const att of atts) yield { t: 'att', att };
      for (const op of ops) yield { t: 'op', op };
    },
    operations: async function* () {
      yield* ops;
    },
  };
}
