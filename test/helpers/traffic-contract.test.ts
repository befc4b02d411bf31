/**
 * The contract check as the end-to-end tests use it: real exchanges with an emulator, recorded off
 * the wire, fail the test that sent them when they break the spec, and open findings are printed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startSapB1Emulator, type SapB1Emulator } from '../../connectors/sap-b1/emulator/index.js';
import { testClient } from '../../connectors/sap-b1/emulator/testing.js';
import type { OpenFinding } from '../contract/open-findings.js';
import { trafficContract, type TrafficContract } from './traffic-contract.js';

let emu: SapB1Emulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

async function recorded(findings?: readonly OpenFinding[]): Promise<{ emu: SapB1Emulator; contract: TrafficContract }> {
  emu = await startSapB1Emulator();
  const contract = trafficContract(findings);
  emu.recordTraffic((x) => contract.record({ system: 'sap-b1', ...x }));
  emu.events.on((e) => e.type === 'request' && contract.arrived('sap-b1', e.requestId));
  contract.testStarted();
  return { emu, contract };
}

describe('the traffic contract of an end-to-end test', () => {
  it('passes traffic the $metadata describes, with the login password redacted', async () => {
    const { emu, contract } = await recorded();
    const client = testClient(emu);
    expect((await client.login()).status).toBe(200);
    expect((await client.request('GET', 'Projects?$select=Code,Name&$top=2')).status).toBe(200);
    await emu.idle();
    expect(() => contract.check()).not.toThrow();
    expect(contract.exchanges.map((x) => `${x.request.method} ${x.request.url}`)).toEqual([
      'POST /b1s/v2/Login',
      'GET /b1s/v2/Projects?$select=Code,Name&$top=2',
    ]);
    expect(contract.exchanges[0]!.request.body).toContain('"Password":"[redacted]"');
    expect(contract.exchanges[0]!.test).toBe(expect.getState().currentTestName);
  });

  it('fails on planted mismatches, naming the test, the request and what the $metadata says', async () => {
    const { emu, contract } = await recorded();
    const client = testClient(emu);
    await client.login();
    await client.request('GET', 'Projects?$select=Code,Nam');
    await client.request('POST', 'BusinessPartners', {
      body: { CardCode: 'V9', CardName: 'Planted', CardType: 'cVendor', GroupCode: '100', VendorName: 'x' },
    });
    await emu.idle();
    let failure = '';
    try {
      contract.check();
    } catch (err) {
      failure = (err as Error).message;
    }
    expect(failure).toContain('contract mismatch(es) in traffic-contract.test.ts');
    expect(failure).toContain(`test: ${expect.getState().currentTestName}`);
    expect(failure).toContain('GET /b1s/v2/Projects?$select=Code,Nam');
    expect(failure).toContain('$select: Nam is not a property of Project');
    expect(failure).toContain('body/CardType is "cVendor", expected a member of BoCardTypes');
    expect(failure).toContain('body/GroupCode is "100"');
    expect(failure).toContain('body/VendorName is not a property of BusinessPartner');
    // what was checked once is not reported again
    expect(() => contract.check()).not.toThrow();
  });

  it('does not fail on a mismatch an open finding lists, and prints that finding instead', async () => {
    const finding: OpenFinding = {
      system: 'sap-b1',
      request: /^GET \/b1s\/v2\/Projects\?/,
      message: /^\$select: Nam is not a property of Project$/,
      evidence: 'a planted finding of this test, standing for one with evidence and an owner',
      owner: 'nobody (test)',
    };
    const { emu, contract } = await recorded([finding]);
    const client = testClient(emu);
    await client.login();
    await client.request('GET', 'Projects?$select=Nam');
    await emu.idle();
    expect(() => contract.check()).not.toThrow();
    expect(contract.openFindings()).toContain('1 open contract finding(s) hit in traffic-contract.test.ts');
    expect(contract.openFindings()).toContain('sap-b1: nobody (test) (1 mismatch(es))');
    expect(contract.openFindings()).toContain('$select: Nam is not a property of Project');
  });
});
