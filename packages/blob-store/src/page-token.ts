import { InvalidBlobArgumentError } from './errors.js';

const VERSION = 'v1.';

/**
 * The local store's page token: the last key (or common prefix) of the previous page, so paging is stable
 * under concurrent writes (a key added before the cursor is simply not seen; nothing is repeated or skipped).
 */
export function encodePageToken(lastEntry: string): string {
  return VERSION + Buffer.from(lastEntry).toString('base64url');
}

export function decodePageToken(token: string, prefix: string): string {
  const last = token.startsWith(VERSION) ? Buffer.from(token.slice(VERSION.length), 'base64url').toString() : undefined;
  if (last === undefined || !last.startsWith(prefix) || encodePageToken(last) !== token) {
    throw new InvalidBlobArgumentError(
      `page token ${JSON.stringify(token)} does not come from listing prefix ${JSON.stringify(prefix)}; pass the nextPageToken of the previous page of the same listing`,
    );
  }
  return last;
}
