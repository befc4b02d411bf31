/** got is imported on the first HTTP request, not at start-up: commands that make no call never load it. */
let loading: Promise<typeof import('got')> | undefined;

export function loadGot(): Promise<typeof import('got')> {
  return (loading ??= import('got'));
}
