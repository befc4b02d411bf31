/** A user's key: its userName in lower case (Concur keeps userName unique regardless of case). */
export function userKey(userName: unknown): string {
  return String(userName ?? '').toLowerCase();
}
