/**
 * The two checks against other sites: DNS rebinding (a Host we do not serve) and cross-site
 * requests that change state (CSRF). Both are pure functions of headers, so they are cheap
 * and tested without a browser.
 */
import type { IncomingHttpHeaders } from 'node:http';

const DEFAULT_HOSTS = ['localhost', '127.0.0.1', '[::1]'];

/** `example.com:8001` → `example.com`; `[::1]:80` → `[::1]`; nonsense → null. */
export function hostnameOf(host: string): string | null {
  if (!host || /[\s/@?#]/.test(host)) return null;
  try {
    return new URL(`http://${host}`).hostname.toLowerCase();
  } catch {
    return null;
  }
}

/** ALLOWED_HOSTS (or the defaults) plus the host of PUBLIC_URL, as bare lower-case names. */
export function allowedHostnames(
  allowedHosts: string | undefined,
  publicUrl?: string,
): Set<string> {
  const given = allowedHosts ? allowedHosts.split(',').map((h) => h.trim()) : DEFAULT_HOSTS;
  const names = given.map((h) => (h.includes(':') && !h.startsWith('[') ? `[${h}]` : h));
  if (publicUrl) names.push(new URL(publicUrl).host);
  return new Set(names.map(hostnameOf).filter((h): h is string => h !== null));
}

export const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function originOf(value: string): string | null {
  try {
    const url = new URL(value);
    return url.origin === 'null' ? null : url.origin;
  } catch {
    return null;
  }
}

/** The origins a page of this service has: the one the request addressed and PUBLIC_URL's. */
export function ownOrigins(host: string, https: boolean, publicUrl?: string): string[] {
  const own = [originOf(`${https ? 'https' : 'http'}://${host}`)];
  if (publicUrl) own.push(originOf(publicUrl));
  return own.filter((o): o is string => o !== null);
}

/**
 * Why a state-changing request is refused as cross-site, or null when it passes. A browser
 * sends Sec-Fetch-Site (same-site too is refused: another port of this host is same-site);
 * older ones send Origin. With neither header the client is not a browser acting for a page
 * of another site (curl, scripts), so the request passes.
 */
export function crossSiteReason(headers: IncomingHttpHeaders, own: string[]): string | null {
  const site = headers['sec-fetch-site'];
  if (site !== undefined) {
    return site === 'same-origin' || site === 'none'
      ? null
      : `a request from another site (Sec-Fetch-Site: ${String(site)}) may not change anything here`;
  }
  const origin = headers.origin;
  if (origin !== undefined) {
    const normalised = originOf(String(origin));
    return normalised !== null && own.includes(normalised)
      ? null
      : `a request from ${String(origin)} may not change anything here`;
  }
  return null;
}
