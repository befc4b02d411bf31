/**
 * The checks on a saved plan, one part at a time (header, each operation, each attention entry, the
 * seal), so a plan of any size is verified in one streaming pass: each part against its piece of
 * schemas/plan.schema.json, the seal under this state store's key, and the operations against their
 * own summary. Each failed check refuses the plan with PlanRefusedError (exit 2) naming the check.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { loadJsonSchema } from '../../connector/load-schema.js';
import { PlanRefusedError } from '../../errors.js';
import { PlanHasher } from '../../plan/summarise.js';
import { countField, type PlanAttention, type PlanOp } from '../../plan/types.js';
import { recordValueProblem } from '../../transform/record-values.js';
import { headerOf, PLAN_FORMAT, type PlanHeader } from './document.js';
import { keyIdOf, PlanSealer, type Seal } from './seal.js';

type Json = Record<string, unknown>;
const schema = loadJsonSchema(new URL('../../../schemas/plan.schema.json', import.meta.url)) as Json;
const props = schema.properties as Json;

interface Validators {
  whole: ValidateFunction;
  header: ValidateFunction;
  op: ValidateFunction;
  att: ValidateFunction;
  seal: ValidateFunction;
}
let compiled: Validators | undefined;

function validators(): Validators {
  if (compiled) return compiled;
  const ajv = new Ajv({ allErrors: false, strict: false, discriminator: true, allowUnionTypes: true });
  const parts = ['operations', 'attention', 'seal'];
  const headerSchema = {
    ...schema,
    $id: undefined,
    required: (schema.required as string[]).filter((r) => !parts.includes(r)),
    properties: Object.fromEntries(Object.entries(props).filter(([k]) => !parts.includes(k))),
  };
  compiled = {
    whole: ajv.compile(schema),
    header: ajv.compile(headerSchema),
    op: ajv.compile((props.operations as Json).items as Json),
    att: ajv.compile((props.attention as Json).items as Json),
    seal: ajv.compile(props.seal as Json),
  };
  return compiled;
}

export const refuse = (code: string, path: string, message: string, cause?: unknown): PlanRefusedError =>
  new PlanRefusedError(code, `${path}: ${message}; nothing was written`, cause === undefined ? {} : { cause });

export function describeSchemaError(err: ErrorObject, prefix = ''): string {
  const at = `${prefix}${err.instancePath}` || 'the plan';
  const p = err.params as Record<string, unknown>;
  if (err.keyword === 'additionalProperties') return `${at} has an unknown property "${String(p.additionalProperty)}"`;
  if (err.keyword === 'discriminator')
    return `${at}: ${err.message ?? 'unknown operation'} (op ${JSON.stringify(p.tagValue ?? null)})`;
  if (err.keyword === 'required') return `${at} lacks "${String(p.missingProperty)}"`;
  if (err.keyword === 'const' || err.keyword === 'enum')
    return `${at} must be ${JSON.stringify(p.allowedValue ?? p.allowedValues)}`;
  return `${at} ${err.message ?? 'is invalid'}`;
}

/** Checks the whole document at once (the fallback for a plan not in sluice's own layout). */
export function checkWholeSchema(path: string, doc: unknown): void {
  const check = validators().whole;
  if (!check(doc))
    throw refuse('PLAN_INVALID', path, `does not match the plan schema: ${describeSchemaError(check.errors![0]!)}`);
}

export class PlanVerifier {
  private readonly sealer: PlanSealer;
  private readonly hasher = new PlanHasher();
  private head: PlanHeader | undefined;
  private sealed = false;
  private ops = 0;
  private atts = 0;

  constructor(
    private readonly path: string,
    private readonly key: Buffer,
  ) {
    this.sealer = new PlanSealer(key);
  }

  private shape(value: unknown, check: ValidateFunction, at: string): void {
    const deep = recordValueProblem(value, at === '' ? 'the plan header' : `plan part ${at}`);
    if (deep) throw refuse('PLAN_INVALID', this.path, deep.message);
    if (!check(value))
      throw refuse(
        'PLAN_INVALID',
        this.path,
        `does not match the plan schema: ${describeSchemaError(check.errors![0]!, at)}`,
      );
  }

  header(value: unknown): void {
    if (typeof value !== 'object' || value === null || (value as Json).format !== PLAN_FORMAT)
      throw refuse(
        'PLAN_INVALID',
        this.path,
        `not a sluice plan of format ${PLAN_FORMAT}; create one with sluice plan --out`,
      );
    this.shape(value, validators().header, '');
    this.head = headerOf(value as PlanHeader);
    this.sealer.header(this.head);
  }

  op(value: unknown): void {
    this.shape(value, validators().op, `/operations/${this.ops++}`);
    this.sealer.op(value);
    this.hasher.add({ t: 'op', op: value as PlanOp });
  }

  attention(value: unknown): void {
    this.shape(value, validators().att, `/attention/${this.atts++}`);
    this.sealer.attention(value);
    this.hasher.add({ t: 'att', att: value as PlanAttention });
  }

  seal(value: unknown): void {
    this.shape(value, validators().seal, '/seal');
    const seal = value as Seal;
    if (seal.keyId !== keyIdOf(this.key)) {
      throw refuse(
        'PLAN_KEY_MISMATCH',
        this.path,
        `the plan was sealed by another state store (key ${seal.keyId}; this one is ${keyIdOf(this.key)}): apply it against the state store it was made with (${this.head?.stateStore ?? '?'})`,
      );
    }
    if (this.sealer.seal().digest !== seal.digest) {
      throw refuse(
        'PLAN_TAMPERED',
        this.path,
        'the content does not match its seal: the file was changed after sluice plan wrote it. Make a new plan with sluice plan --out and review that',
      );
    }
    this.sealed = true;
  }

  /** The header, once every part passed and the summary matches the operations. */
  finish(): PlanHeader {
    if (!this.head) throw refuse('PLAN_INVALID', this.path, 'the plan has no header');
    if (!this.sealed) throw refuse('PLAN_INVALID', this.path, 'the plan has no seal');
    const totals = this.hasher.totals();
    const summary = this.head.summary;
    if (totals.planHash !== summary.planHash)
      throw refuse('PLAN_OPS_MISMATCH', this.path, "the operations do not hash to the summary's plan hash");
    const c = summary.counts;
    const wrong: string[] = [];
    for (const kind of ['create', 'update', 'delete', 'forget', 'locked', 'correct', 'in-doubt'] as const) {
      const f = countField(kind);
      if (totals.counts[f] !== c[f]) wrong.push(`${kind}: ${totals.counts[f]} in the file, ${c[f]} in the summary`);
    }
    if (totals.counts.noop > c.noop) wrong.push(`noop: ${totals.counts.noop} in the file, ${c.noop} in the summary`);
    if (totals.counts.attention !== c.attention)
      wrong.push(`attention: ${totals.counts.attention} in the file, ${c.attention} in the summary`);
    if (wrong.length > 0)
      throw refuse(
        'PLAN_SUMMARY_MISMATCH',
        this.path,
        `the summary does not match the operations (${wrong.join('; ')})`,
      );
    return this.head;
  }
}
