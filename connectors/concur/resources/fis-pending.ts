/**
 * FIS documents this connection acknowledged but has not yet confirmed. Concur lists only
 * un-acknowledged documents, so a run that stops between acknowledgement and posting confirmation
 * would otherwise never see those documents again. Kept in the connection's encrypted vault
 * (compare-and-swap), read back with `docId` + `ignoreDocumentStatus=yes` on the next run.
 */
import type { CredentialVault } from '../../../engine/connector/types.js';
import { ConnectorError } from '../../../engine/errors.js';

export interface PendingDoc {
  id: string;
  /** Report / request id the FIS `docId` query needs; undefined when the document did not say. */
  sourceId?: string;
}

interface PendingValue {
  docs: PendingDoc[];
}

export class FisPending {
  private readonly name: string;

  constructor(
    private readonly vault: CredentialVault,
    connectionName: string,
    docType: string,
  ) {
    this.name = `concur:${connectionName}:fis-pending:${docType}`;
  }

  async list(): Promise<PendingDoc[]> {
    return (await this.vault.get<PendingValue>(this.name))?.value.docs ?? [];
  }

  add(docs: PendingDoc[]): Promise<void> {
    return this.update((current) => {
      const known = new Set(current.map((d) => d.id));
      return [...current, ...docs.filter((d) => !known.has(d.id))];
    });
  }

  remove(ids: readonly string[]): Promise<void> {
    const drop = new Set(ids);
    return this.update((current) => current.filter((d) => !drop.has(d.id)));
  }

  private async update(change: (docs: PendingDoc[]) => PendingDoc[]): Promise<void> {
    for (let attempt = 0; attempt < 10; attempt++) {
      const entry = await this.vault.get<PendingValue>(this.name);
      const next = change(entry?.value.docs ?? []);
      if (await this.vault.put<PendingValue>(this.name, { docs: next }, entry?.version ?? 0)) return;
    }
    throw new ConnectorError(
      'CONCUR_STATE_CONFLICT',
      `could not update ${this.name}: it kept changing under a parallel process`,
      { retryable: true },
    );
  }
}
