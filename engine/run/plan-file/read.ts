/**
 * Reads a saved plan and proves it is the plan `sluice plan` wrote: it parses, it validates against
 * schemas/plan.schema.json, its seal matches its content under this state store's key, and its
 * operations match its own summary (operation set hash, counts per kind). Each failed check refuses
 * the plan with PlanRefusedError (exit 2) saying which check failed; nothing is written.
 */
import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject } from 'ajv';
import { loadJsonSchema } from '../../connector/load-schema.js';
import { PlanRefusedError } from '../../errors.js';
import { PlanHasher } from '../../plan/summarise.js';
import { countField, type PlanItem } from '../../plan/types.js';
import { recordValueProblem } from '../../transform/record-values.js';
import { headerOf, PLAN_FORMAT, type PlanDocument } from './document.js';
import { keyIdOf, PlanSealer } from './seal.js';

const schema = loadJsonSchema(new URL('../../../schemas/plan.schema.json', import.meta.url));
let validate: ReturnType<Ajv['compile']> | undefined;

function validator(): ReturnType<Ajv['compile']> {
  validate ??= new Ajv({ allErrors: false, strict: false, discriminator: true, allowUnionTypes: true }).compile(schema);
  return validate;
}

const refuse = (code: string, path: string, message: string, cause?: unknown): PlanRefusedError =>
  new PlanRefusedError(code, `${path}: ${message}; nothing was written`, cause === undefined ? {} : { cause });

function where(err: ErrorObject): string {
  const at = err.instancePath === '' ? 'the plan' : err.instancePath;
  const p = err.params as Record<string, unknown>;
  if (err.keyword === 'additionalProperties') return `${at} has an unknown property "${String(p.additionalProperty)}"`;
  if (err.keyword === 'discriminator')
    return `${at}: ${err.message ?? 'unknown operation'} (op ${JSON.stringify(p.tagValue ?? null)})`;
  if (err.keyword === 'required') return `${at} lacks "${String(p.missingProperty)}"`;
  if (err.keyword === 'const' || err.keyword === 'enum')
    return `${at} must be ${JSON.stringify(p.allowedValue ?? p.allowedValues)}`;
  return `${at} ${err.message ?? 'is invalid'}`;
}

/** The plan file, verified; `key` is the state store's plan key. */
export function readPlanFile(path: string, key: Buffer): PlanDocument {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw refuse('PLAN_UNREADABLE', path, `cannot read the plan file (${(cause as Error).message})`, cause);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (cause) {
    throw refuse(
      'PLAN_UNREADABLE',
      path,
      `not valid JSON (${(cause as Error).message}); was it truncated or edited?`,
      cause,
    );
  }
  const deep = recordValueProblem(doc, 'the plan');
  if (deep) throw refuse('PLAN_INVALID', path, deep.message);
  if (typeof doc !== 'object' || doc === null || (doc as { format?: unknown }).format !== PLAN_FORMAT) {
    throw refuse('PLAN_INVALID', path, `not a sluice plan of format ${PLAN_FORMAT}; create one with sluice plan --out`);
  }
  const check = validator();
  if (!check(doc)) {
    throw refuse('PLAN_INVALID', path, `does not match the plan schema: ${where(check.errors![0]!)}`);
  }
  const plan = doc as PlanDocument;
  verifySeal(path, plan, key);
  verifySummary(path, plan);
  return plan;
}

function verifySeal(path: string, plan: PlanDocument, key: Buffer): void {
  if (plan.seal.keyId !== keyIdOf(key)) {
    throw refuse(
      'PLAN_KEY_MISMATCH',
      path,
      `the plan was sealed by another state store (key ${plan.seal.keyId}; this one is ${keyIdOf(key)}): apply it against the state store it was made with (${plan.stateStore})`,
    );
  }
  const sealer = new PlanSealer(key);
  sealer.header(headerOf(plan));
  for (const op of plan.operations) sealer.op(op);
  for (const att of plan.attention) sealer.attention(att);
  if (sealer.seal().digest !== plan.seal.digest) {
    throw refuse(
      'PLAN_TAMPERED',
      path,
      'the content does not match its seal: the file was changed after sluice plan wrote it. Make a new plan with sluice plan --out and review that',
    );
  }
}

function verifySummary(path: string, plan: PlanDocument): void {
  const h = new PlanHasher();
  for (const op of plan.operations) h.add({ t: 'op', op } satisfies PlanItem);
  for (const att of plan.attention) h.add({ t: 'att', att } satisfies PlanItem);
  const totals = h.totals();
  if (totals.planHash !== plan.summary.planHash) {
    throw refuse('PLAN_OPS_MISMATCH', path, "the operations do not hash to the summary's plan hash");
  }
  const c = plan.summary.counts;
  const wrong: string[] = [];
  for (const kind of ['create', 'update', 'delete', 'forget', 'locked', 'correct', 'in-doubt'] as const) {
    const f = countField(kind);
    if (totals.counts[f] !== c[f]) wrong.push(`${kind}: ${totals.counts[f]} in the file, ${c[f]} in the summary`);
  }
  if (totals.counts.noop > c.noop) wrong.push(`noop: ${totals.counts.noop} in the file, ${c.noop} in the summary`);
  if (totals.counts.attention !== c.attention)
    wrong.push(`attention: ${totals.counts.attention} in the file, ${c.attention} in the summary`);
  if (wrong.length > 0)
    throw refuse('PLAN_SUMMARY_MISMATCH', path, `the summary does not match the operations (${wrong.join('; ')})`);
}

/** The plan's items for apply: attention entries, then operations. */
export async function* planItems(doc: PlanDocument): AsyncIterable<PlanItem> {
  for (const att of doc.attention) yield { t: 'att', att };
  for (const op of doc.operations) yield { t: 'op', op };
}
