/** `sluice emulate ar-platform --help` (kept apart from main.ts so printing it loads nothing else). */
export const AR_PLATFORM_EMULATOR_USAGE = `Usage: sluice emulate ar-platform [options]

A stateful accounts-receivable / cash-application platform on loopback (the emulator's own REST API,
not a real vendor's): OAuth2 client credentials, customers and open invoices (upsert), payments with
remittance lines, deductions with reason codes and approvals, recalculated credit limits; paging by
offset/limit or cursor (next link), updatedSince filters. Seeded with customers, payments,
deductions and credit limits matching the SAP Business One demo company. Runs until interrupted.

Options:
  --port <n>                 port (default: any free port)
  --host <h>                 interface to bind (default 127.0.0.1)
  --token-ttl <seconds>      access token lifetime (default 3600)
  --empty                    start without the demo data
  --fault <spec>             arm a fault from the start, repeatable: "<kind> [METHOD] <path> [key=value ...]",
                             e.g. "429 GET /v1/payments times=2 retryAfterSeconds=0" (kinds: docs/emulators.md)
  -h, --help                 this text

Endpoints besides the API:
  GET /_emulator/counters    requests counted so far: {"total", "tokens", "inFlight", "maxInFlight",
                             "requests": {"GET /v1/payments": n, "PUT /v1/invoices/:erpDocumentId": n, ...}}

Reference: docs/emulators.md
`;
