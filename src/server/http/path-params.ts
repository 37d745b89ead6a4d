/**
 * Characters a path segment keeps escaped after decoding: those that would change how the path
 * splits or parses (`/ ? # %`), and those the URL parser escapes again anyway.
 */
const KEEP_ESCAPED = /[/?#%\s"<>`{}|\\\p{Cc}]|[^\x20-\x7e]/gu;

/**
 * The request path with each segment percent-decoded, for trpc-to-openapi, which hands path
 * parameters to the procedures as they are in the URL: `GET /scheduler/data/%5EGSPC` (how
 * Python's requests, curl --data-urlencode and most clients send `^GSPC`) and `EURUSD%3DX` then
 * validate like `^GSPC` and `EURUSD=X`. A segment that does not decode is left as it is (and
 * fails validation with its `%`).
 */
export function decodePathSegments(pathAndQuery: string): string {
  const q = pathAndQuery.indexOf('?');
  const path = q === -1 ? pathAndQuery : pathAndQuery.slice(0, q);
  const query = q === -1 ? '' : pathAndQuery.slice(q);
  if (!path.includes('%')) return pathAndQuery;
  const decoded = path
    .split('/')
    .map((segment) => {
      try {
        return decodeURIComponent(segment).replace(KEEP_ESCAPED, (c) => encodeURIComponent(c));
      } catch {
        return segment;
      }
    })
    .join('/');
  return decoded + query;
}
