/**
 * The finance page's dashboard: per pipeline the last successful run, open attention by reason
 * class, and the postings (records created in the target) of this period (calendar month, UTC).
 */
import type { ReasonClass } from '../error-codes.js';
import { knownPipelines } from '../state/attention-admin.js';
import type { StateStore } from '../state/store.js';
import { countByClass } from './attention.js';

export interface DashboardRow {
  pipeline: string;
  lastSuccessAt: string | undefined;
  lastRun: { id: string; status: string; finishedAt: string | null } | undefined;
  attention: Partial<Record<ReasonClass, number>>;
  postings: number;
}

export interface Dashboard {
  periodStart: string;
  pipelines: DashboardRow[];
  attentionByClass: Partial<Record<ReasonClass, number>>;
  postings: number;
  plansAwaiting: number;
}

export function periodStart(now: number): string {
  const d = new Date(now);
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1)).toISOString();
}

export async function dashboard(state: StateStore): Promise<Dashboard> {
  const since = periodStart(state.clock.now());
  const open = await state.attentionList({ statuses: ['open', 'resync'] });
  const posted = (await state
    .knex('sluice_log')
    .where('at', '>=', since)
    .whereIn('outcome', ['written', 'recovered'])
    .whereIn('op', ['create', 'correct'])
    .groupBy('pipeline')
    .select('pipeline')
    .count({ n: '*' })) as { pipeline: string; n: number | string }[];
  const postingsOf = new Map(posted.map((r) => [r.pipeline, Number(r.n)]));
  const rows: DashboardRow[] = [];
  for (const pipeline of await knownPipelines(state.knex)) {
    const [last] = await state.runList(pipeline, 1);
    rows.push({
      pipeline,
      lastSuccessAt: await state.runLastSuccess(pipeline),
      lastRun: last && { id: last.id, status: last.status, finishedAt: last.finishedAt },
      attention: countByClass(open.filter((e) => e.pipeline === pipeline)),
      postings: postingsOf.get(pipeline) ?? 0,
    });
  }
  const [{ n } = { n: 0 }] = (await state
    .knex('sluice_plan_approvals')
    .where({ status: 'pending' })
    .count({ n: '*' })) as {
    n: number | string;
  }[];
  return {
    periodStart: since,
    pipelines: rows,
    attentionByClass: countByClass(open),
    postings: [...postingsOf.values()].reduce((a, b) => a + b, 0),
    plansAwaiting: Number(n),
  };
}
