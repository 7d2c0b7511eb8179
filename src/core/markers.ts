/**
 * The hidden markers that make every write of the app idempotent. A marker is a locator (where the
 * bot put something), never evidence: nothing is decided from a marker's text.
 */
/** Hidden marker embedded in everything the app writes, so a redelivery finds it instead of writing again. */
export function marker(kind: MarkerKind, key: string): string {
  return `<!-- clinsafe:${kind}:${key.replace(/-->/g, '')} -->`;
}

export type MarkerKind =
  | 'review-after-merge'
  | 'release-signoff'
  | 'periodic-review'
  | 'incident-guidance'
  | 'incident-review'
  | 'signoff-result'
  | 'refusal'
  | 'gate-comment';

/** Structured data the app keeps in what it writes (base64 JSON in a hidden comment), so no state lives in the server. */
export function dataMarker(data: unknown): string {
  return `<!-- clinsafe-data:${Buffer.from(JSON.stringify(data), 'utf8').toString('base64')} -->`;
}

export function readDataMarker<T>(body: string | null | undefined): T | undefined {
  const m = body ? /<!-- clinsafe-data:([A-Za-z0-9+/=]+) -->/.exec(body) : null;
  if (!m) return undefined;
  try {
    return JSON.parse(Buffer.from(m[1]!, 'base64').toString('utf8')) as T;
  } catch {
    return undefined;
  }
}

export function hasMarker(body: string | null | undefined, kind: MarkerKind, key: string): boolean {
  return Boolean(body && body.includes(marker(kind, key)));
}

/** The key of a marker of `kind` in a body, if any. */
export function markerKey(body: string | null | undefined, kind: MarkerKind): string | undefined {
  if (!body) return undefined;
  const m = new RegExp(`<!-- clinsafe:${kind}:(.+?) -->`).exec(body);
  return m?.[1];
}
