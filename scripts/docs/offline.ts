// Makes Redocly's static page load nothing from the internet: CDN assets replaced, font links removed, leftovers refused.

/**
 * Redoc's attribution logo ("API docs by Redocly") is an <img> whose URL on Redoc's CDN is
 * hard-coded in the bundle, even with --inlineBundle. A small inline SVG keeps the attribution
 * without the request.
 */
const LOGO = `data:image/svg+xml,${encodeURIComponent(
  '<svg xmlns="http://www.w3.org/2000/svg" width="52" height="14" viewBox="0 0 52 14">'
  + '<text x="0" y="11" font-family="sans-serif" font-size="11" font-weight="600" fill="#444">Redocly</text></svg>',
)}`;

/**
 * Known asset URLs in the Redoc bundle and what replaces them. The icon packs are fetched only
 * for icons named in a Redocly config (we name none); an empty data: base keeps any icon from
 * reaching the CDN.
 */
const REPLACEMENTS: [RegExp, string][] = [
  [/https:\/\/cdn\.redoc\.ly\/redoc\/logo-mini(?:-full)?\.svg/g, LOGO],
  [/https:\/\/cdn\.redocly\.com\/icons\/[a-z-]+\/[\d.]+/g, 'data:,'],
];

/** Hosts that only serve page assets (scripts, styles, fonts, images); the page must not name them. */
export const ASSET_HOSTS = ['cdn.redoc.ly', 'cdn.redocly.com', 'fonts.googleapis.com', 'fonts.gstatic.com', 'unpkg.com', 'cdn.jsdelivr.net'];

const EXTERNAL = String.raw`(?:https?:)?//`;
/** <link> in the head with an absolute URL: fonts, preconnect, icons. Harmless to drop. */
const EXTERNAL_LINK = new RegExp(String.raw`<link\b[^>]*\bhref=["']?${EXTERNAL}[^>]*>\s*`, 'gi');
const FONT_IMPORT = new RegExp(String.raw`@import\s+(?:url\()?["']?${EXTERNAL}[^;]*;`, 'gi');

/** Rewrites the page so that it is self-contained. Throws when something external is left. */
export function makeOffline(html: string): string {
  const headEnd = html.search(/<body\b/i);
  if (headEnd < 0) throw new Error('The Redoc page has no <body>');
  let head = html.slice(0, headEnd).replace(EXTERNAL_LINK, '').replace(FONT_IMPORT, '');
  let body = html.slice(headEnd);
  for (const [pattern, replacement] of REPLACEMENTS) {
    head = head.replace(pattern, replacement);
    body = body.replace(pattern, replacement);
  }
  const page = head + body;
  const left = externalAssets(page);
  if (left.length) {
    throw new Error(`The docs page still loads from the internet: ${left.join(', ')}. Add a replacement in scripts/docs/offline.ts.`);
  }
  return page;
}

/**
 * What in the page would make the browser fetch from another host: a URL on an asset host
 * anywhere (the bundle builds URLs from such strings), or an absolute URL in a script, style,
 * image or link element. Plain <a href> links are navigation, not loads, and are allowed.
 */
export function externalAssets(html: string): string[] {
  const found = new Set<string>();
  for (const host of ASSET_HOSTS) {
    for (const m of html.matchAll(new RegExp(String.raw`(?:https?:)?//${host.replace(/\./g, '\\.')}[^\s"'\`)<>]*`, 'g'))) found.add(m[0]);
  }
  const elements = new RegExp(String.raw`<(?:script|img|iframe|source|link|video|audio)\b[^>]*\b(?:src|href|srcset)=["']?(${EXTERNAL}[^"'\s>]+)`, 'gi');
  for (const m of html.matchAll(elements)) found.add(m[1] ?? m[0]);
  for (const m of html.matchAll(new RegExp(String.raw`(?:@import\s+|url\(\s*["']?)(${EXTERNAL}[^"')\s;]+)`, 'gi'))) found.add(m[1] ?? m[0]);
  return [...found].sort();
}
