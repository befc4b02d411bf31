/** `sluice emulate concur --help` (kept apart from main.ts so printing it loads nothing else). */
export const CONCUR_EMULATOR_USAGE = `Usage: sluice emulate concur [options]

A stateful SAP Concur emulator on loopback: OAuth2 (password/request token, refresh, client
credentials), per-region geolocation, Expense reports v4, Financial Integration v4 (FIS), Payment
Requests, List Items v4, Invoice vendors, User Provisioning (SCIM v4). Runs until interrupted.

Options:
  --port <n>              port of the first region (default: any free port); others follow
  --host <h>              interface to bind (default 127.0.0.1)
  --fixtures <dir>        directory with the company's fixtures (default: the demo company)
  --regions <a,b>         regions to serve (default: us,eu)
  --company-region <r>    region the company lives in (default: the fixtures' region)
  --token-ttl <seconds>   access token lifetime (default 3600)
  --fault <spec>          arm a fault from the start, repeatable: "<kind> [METHOD] <path> [key=value ...]",
                          e.g. "429 GET /list/v4/lists times=2 retryAfterSeconds=0" (kinds: docs/emulators.md)
  -h, --help              this text

Endpoints besides the Concur APIs:
  GET /_emulator/counters requests answered so far, per route: {"total": n, "requests": {"GET /list/v4/...": n}}

Reference: docs/emulators.md and connectors/concur/emulator/README.md
`;
