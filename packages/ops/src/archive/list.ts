import type { BlobInfo, BlobStore } from '@commerce/blob-store';

/** Every object under a prefix, all pages. */
export async function listAll(store: BlobStore, prefix: string): Promise<BlobInfo[]> {
  const out: BlobInfo[] = [];
  let pageToken: string | undefined;
  do {
    const page = await store.list(prefix, pageToken ? { pageToken } : {});
    out.push(...page.items);
    pageToken = page.nextPageToken;
  } while (pageToken);
  return out;
}

/** The common prefixes one level below `prefix` (`a/b/` -> `a/b/2026/`, ...), all pages. */
export async function listPrefixes(store: BlobStore, prefix: string): Promise<string[]> {
  const out: string[] = [];
  let pageToken: string | undefined;
  do {
    const page = await store.list(prefix, { delimiter: '/', ...(pageToken ? { pageToken } : {}) });
    out.push(...(page.prefixes ?? []));
    pageToken = page.nextPageToken;
  } while (pageToken);
  return out;
}
