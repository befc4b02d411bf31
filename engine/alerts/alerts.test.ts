import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryHarness } from '../../test/helpers/memory-harness.js';
import { memoryRegistry, session, writePipeline } from '../../test/helpers/pipeline-fixture.js';
import { webhookReceiver, type WebhookReceiver } from '../../test/helpers/webhook-receiver.js';
import { loadPipeline } from '../config/pipeline.js';
import { ManualClock } from '../runtime/clock.js';
import { createLogger } from '../runtime/logger.js';
import { alertsAfterRun } from './after-run.js';
import { evaluateAlerts, pipelineAlertRules } from './evaluate.js';

const TOKEN = 'T000/B000/XXXXsecrettokenXXXX';

describe('alerts', () => {
  const h = memoryHarness();
  let hook: WebhookReceiver;
  let logText = '';
  const logs = new Writable({
    write(chunk: Buffer, _enc, done) {
      logText += chunk.toString();
      done();
    },
  });
  const logger = createLogger({ level: 'debug', format: 'json', destination: logs });
  beforeAll(async () => {
    hook = await webhookReceiver();
  });
  afterAll(async () => {
    await hook.close();
  });

  const env = (): NodeJS.ProcessEnv => ({ ...process.env, OPS_WEBHOOK: `${hook.url}/services/${TOKEN}` });

  function pipeline(alerts: unknown[]): string {
    return writePipeline(h.dir, { name: h.name('alerting'), extra: { alerts } });
  }

  async function run(path: string, clock: ManualClock) {
    return session(h.state, {
      command: 'run',
      pipelinePath: path,
      clock,
      env: env(),
      onFinished: alertsAfterRun({ logger, clock, env: env() }),
    });
  }

  it('notifies a failed run once, not again while runs keep failing, and once when they succeed again', async () => {
    hook.posts.length = 0;
    const clock = new ManualClock();
    const path = pipeline([{ name: 'ops', webhook: '${env:OPS_WEBHOOK}' }]);
    h.src.failRead = true;
    const first = await run(path, clock);
    expect(first.report.status).toBe('failed');
    expect(hook.posts).toHaveLength(1);
    expect(hook.posts[0]!.path).toBe(`/services/${TOKEN}`);
    expect(hook.posts[0]!.body).toMatchObject({
      pipeline: first.report.pipeline,
      condition: 'failed',
      state: 'firing',
      alert: 'ops',
      run: { id: first.report.runId, status: 'failed', error: { code: first.report.error!.code } },
    });
    expect(hook.posts[0]!.body.text).toContain(`run ${first.report.runId} failed`);
    await run(path, clock);
    expect(hook.posts).toHaveLength(1);
    h.src.failRead = false;
    const ok = await run(path, clock);
    expect(ok.report.status).toBe('succeeded');
    expect(hook.posts).toHaveLength(2);
    expect(hook.posts[1]!.body).toMatchObject({ condition: 'failed', state: 'resolved' });
    await run(path, clock);
    expect(hook.posts).toHaveLength(2);
  });

  it('notifies attention above the threshold with counts by class, in Slack format when asked', async () => {
    hook.posts.length = 0;
    const clock = new ManualClock();
    const path = pipeline([
      { webhook: '${env:OPS_WEBHOOK}', format: 'slack', when: { failed: false, attentionAbove: 1 } },
    ]);
    h.dst.faults.push({ kind: 'record-final', keys: ['a'], times: 10 });
    await run(path, clock);
    expect(hook.posts).toHaveLength(0); // one record: not above 1
    h.dst.faults.push({ kind: 'record-final', keys: ['b'], times: 10 });
    h.src.source = h.src.source.map((r) => ({ ...r, amount: Number(r.amount) + 1 }));
    const second = await run(path, clock);
    expect(second.report.status).toBe('attention');
    expect(hook.posts).toHaveLength(1);
    expect(Object.keys(hook.posts[0]!.body)).toEqual(['text']);
    expect(hook.posts[0]!.body.text).toMatch(/2 record\(s\) need attention \(more than 1\): data 2/);
  });

  it('notifies when no run succeeded within the window, evaluated on a clock without a run', async () => {
    hook.posts.length = 0;
    const clock = new ManualClock();
    const path = pipeline([{ webhook: '${env:OPS_WEBHOOK}', when: { noSuccessWithin: 'PT26H' } }]);
    const ok = await run(path, clock);
    const loaded = loadPipeline(path, { registry: memoryRegistry, env: env() }).pipeline!;
    const check = () =>
      evaluateAlerts({
        pipeline: ok.report.pipeline,
        rules: pipelineAlertRules(loaded),
        state: h.state,
        clock,
        logger,
        env: env(),
      });
    clock.advance(25 * 3_600_000);
    expect(await check()).toBe(0);
    clock.advance(2 * 3_600_000);
    expect(await check()).toBe(1);
    expect(await check()).toBe(0);
    expect(hook.posts[0]!.body).toMatchObject({ condition: 'stale', state: 'firing', windowMs: 26 * 3_600_000 });
    await run(path, clock);
    expect(hook.posts).toHaveLength(2);
    expect(hook.posts[1]!.body).toMatchObject({ condition: 'stale', state: 'resolved' });
  });

  it('tries an undelivered notification again at the next evaluation, and never logs the webhook URL', async () => {
    hook.posts.length = 0;
    logText = '';
    const clock = new ManualClock();
    const path = pipeline([{ webhook: '${env:OPS_WEBHOOK}' }]);
    h.src.failRead = true;
    hook.status = 500;
    await run(path, clock);
    expect(hook.posts).toHaveLength(1);
    expect(logText).toContain('alert not delivered');
    expect(logText).toContain('HTTP 500');
    hook.status = 200;
    await run(path, clock);
    expect(hook.posts).toHaveLength(2);
    expect(logText).toContain('alert sent: failed firing');
    h.src.failRead = false;
    expect(logText).not.toContain(TOKEN);
    expect(logText).not.toContain(hook.url);
  });

  it('refuses a literal webhook URL and an invalid window where they are written', () => {
    const path = pipeline([
      { webhook: `${'https'}://hooks.example.com/services/${TOKEN}` },
      { webhook: '${env:OPS_WEBHOOK}', when: { noSuccessWithin: 'tomorrow' } },
    ]);
    const r = loadPipeline(path, { registry: memoryRegistry, env: env() });
    expect(r.pipeline).toBeUndefined();
    const codes = r.diagnostics.map((d) => `${d.line}:${d.col} ${d.code}`);
    expect(codes).toEqual([
      expect.stringMatching(/ALERT_WEBHOOK_LITERAL$/),
      expect.stringMatching(/ALERT_WINDOW_INVALID$/),
    ]);
    expect(r.diagnostics.map((d) => d.message).join('\n')).not.toContain(TOKEN);
  });
});
