/** `sluice emulate sap-b1 --help` (kept apart from main.ts so printing it loads nothing else). */
export const SAP_B1_EMULATOR_USAGE = `Usage: sluice emulate sap-b1 [options]

A stateful SAP Business One Service Layer emulator on loopback: /b1s/v1 and /b1s/v2, Login and
sessions, OData queries and paging, $batch, journal entries (with currencies, rates, posting
periods and Cancel), business partners, projects, profit centers, chart of accounts. Runs until
interrupted.

Options:
  --port <n>                 port (default: any free port)
  --host <h>                 interface to bind (default 127.0.0.1)
  --fixtures <dir>           directory with the company's fixtures (default: the demo company)
  --session-timeout <min>    session idle timeout in minutes (default 30)
  --login-delay <ms>         delay every Login by this much
  --page-size <n>            default page size of collection reads (default 20)
  --fault <spec>             arm a fault from the start, repeatable: "<kind> [METHOD] <path> [key=value ...]",
                             e.g. "drop-after-commit POST JournalEntries" (kinds: docs/emulators.md)
  -h, --help                 this text

Endpoints besides the Service Layer:
  GET /ping                  liveness, as the Service Layer answers it
  GET /_emulator/counters    requests counted so far: {"total", "logins", "failedLogins", "logouts",
                             "requests": {"GET BusinessPartners": n, ...}, "inFlight", "maxInFlight"}

Reference: docs/emulators.md and connectors/sap-b1/emulator/README.md
`;
