/** The demo environment itself: emulators up, connections valid, secrets only as references. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { demoEnvironment, sluice } from '../helpers/demo-env.js';

describe('demo environment', async () => {
  const env = await demoEnvironment();

  it('writes a connections file whose secrets are references, and that validates', async () => {
    const text = readFileSync(env.connectionsPath, 'utf8');
    expect(text).not.toContain(env.env.CONCUR_CLIENT_SECRET);
    expect(text).not.toContain(env.env.CONCUR_REQUEST_TOKEN);
    for (const name of Object.keys(env.env)) expect(text).toContain(`\${env:${name}}`);
    const r = await sluice(env, [
      'validate',
      '--format',
      'json',
      env.connectionsPath.replace('connections.yaml', 'none.yaml'),
    ]);
    // the pipeline does not exist; the connections file itself must not produce problems
    const diags = (JSON.parse(r.stdout) as { diagnostics: { file: string }[] }).diagnostics;
    expect(diags.filter((d) => d.file.endsWith('connections.yaml'))).toEqual([]);
  });
});
