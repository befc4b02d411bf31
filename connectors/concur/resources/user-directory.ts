/** Every user of the company (Identity v4.1, 1,000 a page), indexed by userName, read once per target. */
import type { ConcurClient } from '../client.js';
import { identityPages } from './paging.js';
import { userKey } from './user-key.js';

type Json = Record<string, unknown>;

export const ENTERPRISE_URN = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

export class UserDirectory {
  private index: Map<string, Json> | undefined;
  private loading: Promise<Map<string, Json>> | undefined;

  constructor(
    private readonly client: ConcurClient,
    private readonly filter?: string,
  ) {}

  /** Read once: concurrent callers share the one read in flight. */
  all(): Promise<Map<string, Json>> {
    if (this.index) return Promise.resolve(this.index);
    this.loading ??= this.load().finally(() => {
      this.loading = undefined;
    });
    return this.loading;
  }

  private async load(): Promise<Map<string, Json>> {
    const map = new Map<string, Json>();
    for await (const page of identityPages(this.client, this.filter, 1000))
      for (const u of page) map.set(userKey(u.userName), u);
    this.index = map;
    return map;
  }

  async get(userName: string): Promise<Json | undefined> {
    return (await this.all()).get(userKey(userName));
  }

  /** The user as read, without reading (undefined when not read yet). */
  peek(userName: string): Json | undefined {
    return this.index?.get(userKey(userName));
  }

  /** Drops what was read: the next call reads every user again (after a write whose outcome is unknown). */
  forget(): void {
    this.index = undefined;
  }

  remember(user: Json): void {
    this.index?.set(userKey(user.userName), user);
  }
}
