/**
 * Which inbox files were processed: name → SHA-256 and size, kept per inbox folder in the
 * connection's encrypted state-store entries (`ConnectorContext.credentials`, the one per-connection
 * store the contract gives a connector; compare-and-swap writes). A file whose name and checksum are
 * in it is not read again (only archived, when a crash left it in the inbox). The newest LIMIT
 * entries are kept.
 */
import type { CredentialVault } from '../../../engine/connector/types.js';
import { ConnectorError } from '../../../engine/errors.js';
import { SFTP_ERRORS } from '../errors.js';

export interface ProcessedFile {
  sha256: string;
  size: number;
  at: string;
}

type Entries = Record<string, ProcessedFile>;

const LIMIT = 5000;
const ATTEMPTS = 5;

export class FileLedger {
  private readonly entry: string;

  constructor(
    private readonly vault: CredentialVault,
    folder: string,
  ) {
    this.entry = `sftp-processed:${folder}`;
  }

  async get(name: string): Promise<ProcessedFile | undefined> {
    return (await this.vault.get<Entries>(this.entry))?.value[name];
  }

  async record(name: string, file: ProcessedFile): Promise<void> {
    for (let i = 0; i < ATTEMPTS; i++) {
      const current = await this.vault.get<Entries>(this.entry);
      const entries: Entries = { ...(current?.value ?? {}), [name]: file };
      const names = Object.keys(entries).sort((a, b) => entries[b]!.at.localeCompare(entries[a]!.at));
      const kept = Object.fromEntries(names.slice(0, LIMIT).map((n) => [n, entries[n]!]));
      if (await this.vault.put(this.entry, kept, current?.version ?? 0)) return;
    }
    throw new ConnectorError(
      SFTP_ERRORS.ledgerBusy,
      `the processed-files entry ${this.entry} kept changing under ${ATTEMPTS} attempts (another run on the same folder?)`,
      { retryable: true },
    );
  }
}
