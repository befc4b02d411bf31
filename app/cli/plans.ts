/** `sluice plans list|show|submit|approve|reject`: four-eyes approval of sealed plans (the finance page does the same). */
import type { Command } from 'commander';
import { addGlobalOptions, write, type CliIo, type GlobalOptions } from './common.js';
import { withState } from './ops-common.js';

const approvals = () => import('../../engine/ops/approvals.js');
const actorOf = async (by?: string) => (await import('../../engine/ops/actor.js')).actor(by);

interface PlansOptions extends GlobalOptions {
  by?: string;
  comment?: string;
  all?: boolean;
  json?: boolean;
}

const byOption = '(default: the OS user; kept in the audit trail)';

export function plansCommands(program: Command, io: CliIo): void {
  const plans = program.command('plans').description('sealed plans awaiting four-eyes approval');
  addGlobalOptions(
    plans
      .command('list')
      .description('plans awaiting approval (all plans with --all)')
      .option('--all', 'also approved, rejected and applied plans')
      .option('--json', 'JSON output'),
  ).action((opts: PlansOptions) =>
    withState('plans list', opts, io, async (state) => {
      const list = await (await approvals()).listPlans(state, opts.all ? {} : { statuses: ['pending'] });
      if (opts.json) return write(io.stdout, JSON.stringify(list, null, 2) + '\n');
      if (list.length === 0) return write(io.stdout, opts.all ? 'no plans\n' : 'no plans await approval\n');
      for (const p of list)
        write(
          io.stdout,
          `${String(p.id).padStart(4)}  ${p.status.padEnd(8)} ${p.pipeline}  create ${p.counts.create} update ${p.counts.update} delete ${p.counts.delete} by ${p.author} at ${p.createdAt}${p.decidedBy ? `; ${p.status} by ${p.decidedBy}` : ''}\n`,
        );
    }),
  );
  addGlobalOptions(
    plans
      .command('show')
      .description('a plan record by record, with field diffs')
      .argument('<id>', 'plan id (sluice plans list)')
      .option('--json', 'JSON output'),
  ).action((id: string, opts: PlansOptions) =>
    withState('plans show', opts, io, async (state) => {
      const review = await (await approvals()).reviewPlan(state, id);
      if (opts.json) return write(io.stdout, JSON.stringify(review, null, 2) + '\n');
      const { formatPlan } = await import('./print-plan.js');
      const a = review.approval;
      write(io.stdout, `plan ${a.id} of ${a.pipeline}: ${a.status}, made by ${a.author} at ${a.createdAt}\n`);
      if (a.decidedBy) write(io.stdout, `${a.status} by ${a.decidedBy} at ${a.decidedAt}: ${a.comment ?? ''}\n`);
      write(
        io.stdout,
        formatPlan(
          a.pipeline,
          review.header.summary,
          review.operations,
          review.attention,
          { ops: review.operations.length, attention: review.attention.length },
          'delete',
        ),
      );
    }),
  );
  addGlobalOptions(
    plans
      .command('submit')
      .description('submit a plan saved with sluice plan --out for approval')
      .argument('<plan>', 'plan file')
      .option('--by <name>', `its author ${byOption}`),
  ).action((plan: string, opts: PlansOptions) =>
    withState('plans submit', opts, io, async (state) => {
      const row = await (await approvals()).submitPlan(state, { planPath: plan, by: await actorOf(opts.by) });
      write(io.stdout, `plan ${row.id} of ${row.pipeline} awaits approval (sluice plans approve ${row.id})\n`);
    }),
  );
  addGlobalOptions(
    plans
      .command('approve')
      .description('approve a plan (not your own); then apply it with sluice apply <plan file>')
      .argument('<id>', 'plan id')
      .option('--comment <text>', 'a comment for the audit trail')
      .option('--by <name>', `the approver ${byOption}`),
  ).action((id: string, opts: PlansOptions) =>
    withState('plans approve', opts, io, async (state) => {
      const row = await (
        await approvals()
      ).approvePlan(state, {
        id,
        by: await actorOf(opts.by),
        ...(opts.comment !== undefined && { comment: opts.comment }),
      });
      write(io.stdout, `plan ${row.id} approved by ${row.decidedBy}; apply it: sluice apply ${row.planPath}\n`);
    }),
  );
  addGlobalOptions(
    plans
      .command('reject')
      .description('reject a plan with a comment')
      .argument('<id>', 'plan id')
      .requiredOption('--comment <text>', 'why (kept in the audit trail)')
      .option('--by <name>', `who rejects it ${byOption}`),
  ).action((id: string, opts: PlansOptions) =>
    withState('plans reject', opts, io, async (state) => {
      const row = await (
        await approvals()
      ).rejectPlan(state, {
        id,
        by: await actorOf(opts.by),
        ...(opts.comment !== undefined && { comment: opts.comment }),
      });
      write(io.stdout, `plan ${row.id} rejected by ${row.decidedBy}\n`);
    }),
  );
}
