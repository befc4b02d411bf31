/** Re-cuts pages to at most `size` records (some APIs have fixed page sizes, e.g. List v4's 100). */
export async function* rechunk<T>(pages: AsyncIterable<T[]>, size: number | undefined): AsyncGenerator<T[]> {
  for await (const page of pages) {
    if (page.length === 0) continue;
    if (!size || size <= 0 || page.length <= size) {
      yield page;
      continue;
    }
    for (let i = 0; i < page.length; i += size) yield page.slice(i, i + size);
  }
}
