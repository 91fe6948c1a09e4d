/**
 * The `X-Forwarded-For` this server hands on to the API: the addresses the request says it came through, then the
 * address it came from, as a proxy appends it. Next keeps the header as the client sent it, so a browser reaching
 * this server directly could name any address it liked and the API's login limits would count it as that one. The
 * API believes the list from the right only as far as its `TRUST_PROXY` covers, and the rightmost entry is now what
 * this server saw. Without a peer (its socket already gone) nothing is handed on rather than the client's word.
 */
export function forwardedFor(received: string | undefined, peer: string | undefined): string | undefined {
  if (peer === undefined || peer === '') return undefined;
  const from = plainAddress(peer);
  const through = received?.trim() ?? '';
  return through === '' ? from : `${through}, ${from}`;
}

/** An IPv4 client of a dual-stack socket as the dotted address it is (`::ffff:203.0.113.5` → `203.0.113.5`). */
function plainAddress(address: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  return mapped?.[1] ?? address;
}
