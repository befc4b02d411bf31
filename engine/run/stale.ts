/**
 * Is a verified plan still the plan for now? apply refuses (exit 2, nothing written) when the
 * pipeline file changed, when another run committed to the pipeline since the plan was made (its
 * basis moved — this holds for an empty plan too), when an operation does not fit the pipeline
 * (a delete outside mirror mode, an update in create mode), or when a target record an operation
 * depends on changed — looked up through the same target view the planner used.
 */
import type { LoadedPipeline } from '../config/pipeline.js';
import { PlanRefusedError } from '../errors.js';
import { targetState } from '../plan/hash.js';
import type { TargetView } from '../plan/target-view.js';
import type { PlanBasis, PlanOp } from '../plan/types.js';
import type { PipelineVersion } from '../state/store.js';
import type { VerifiedPlan } from './plan-file/read.js';

const BATCH = 500;

const stale = (message: string): PlanRefusedError =>
  new PlanRefusedError('PLAN_STALE', `${message}. Nothing was written. Run sluice plan again and review the new plan`);

export async function checkPlanFits(doc: VerifiedPlan, pipeline: LoadedPipeline, now: PipelineVersion): Promise<void> {
  const plan = doc.header;
  if (plan.pipeline.hash !== pipeline.hash) {
    throw stale(
      `the pipeline file ${pipeline.path} changed since the plan was made (plan ${plan.pipeline.hash.slice(0, 12)}, now ${pipeline.hash.slice(0, 12)})`,
    );
  }
  if (plan.pipeline.name !== pipeline.spec.name) {
    throw stale(`the plan is for pipeline "${plan.pipeline.name}", the file now names "${pipeline.spec.name}"`);
  }
  const basis: PlanBasis = plan.basis;
  if (now.version !== basis.version) {
    throw stale(
      `run ${now.lastRun ?? '?'} committed to pipeline "${pipeline.spec.name}" at ${now.lastCommitAt ?? '?'}, after the plan was made (state version ${basis.version}, now ${now.version})`,
    );
  }
  const mode = pipeline.spec.target.mode ?? 'upsert';
  let i = 0;
  for await (const op of doc.operations()) {
    i++;
    const problem = misfit(op, mode, pipeline.spec.target.corrections ?? 'lock');
    if (problem) {
      throw new PlanRefusedError(
        'PLAN_INVALID',
        `operation ${i} (${op.op} ${op.key}) ${problem}; nothing was written. Make a new plan with sluice plan --out`,
      );
    }
  }
}

function misfit(op: PlanOp, mode: string, corrections: string): string | undefined {
  if ((op.op === 'delete' || op.op === 'forget') && mode !== 'mirror')
    return `deletes, but the pipeline's mode is ${mode}`;
  if (op.op === 'update' && mode === 'create') return "updates, but the pipeline's mode is create";
  if (op.op === 'correct' && corrections !== 'reverse-and-repost')
    return "corrects a posted record, but the pipeline's corrections are lock";
  return undefined;
}

/** Re-reads every target record the plan's operations depend on and compares it with what the plan saw. */
export async function checkTargetUnchanged(ops: AsyncIterable<PlanOp>, view: TargetView): Promise<void> {
  const changed: string[] = [];
  let chunk: PlanOp[] = [];
  const check = async (): Promise<void> => {
    const found = await view.lookup(chunk.map((o) => o.key));
    for (const op of chunk) {
      const now = targetState(found.get(op.key));
      if (now !== op.targetHash)
        changed.push(
          `${op.key} (${op.targetHash === 'absent' ? 'now exists' : now === 'absent' ? 'now missing' : 'changed'})`,
        );
    }
    chunk = [];
  };
  for await (const op of ops) {
    if (op.op === 'locked' || op.op === 'in-doubt') continue;
    chunk.push(op);
    if (chunk.length >= BATCH) await check();
  }
  if (chunk.length > 0) await check();
  if (changed.length > 0) {
    throw stale(
      `the target changed since the plan was made: ${changed.length} record(s) differ: ${changed.slice(0, 10).join(', ')}${changed.length > 10 ? ', …' : ''}`,
    );
  }
}
