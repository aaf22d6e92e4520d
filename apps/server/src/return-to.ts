/**
 * Where to send someone back after signing in: a page of this site, nothing else. The value
 * is parsed the way a browser parses a Location (WHATWG URL: tabs and newlines dropped, `\`
 * read as `/`, dot segments resolved) against the public origin, and refused unless it stays
 * on that origin. The answer is rebuilt from the parsed URL — percent-encoded, so it is
 * always a valid header value — and a path a browser could read as `//another.host` is refused.
 */
export function safeReturnTo(value: string | undefined, publicUrl: string): string {
  if (!value?.startsWith('/') || value.length > maxLength) return '/';
  const origin = new URL(publicUrl).origin;
  const url = URL.parse(value, origin);
  if (!url || url.origin !== origin || url.pathname.startsWith('//')) return '/';
  return `${url.pathname}${url.search}${url.hash}`;
}

const maxLength = 2000;
