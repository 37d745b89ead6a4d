import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';

/** Where browsers send reports of what the page policy blocked (logged as `CSP violation`). */
export const CSP_REPORT_PATH = '/csp-report';

/** A fresh nonce for one page: 128 random bits, base64 (what Next.js reads from the header). */
export function newNonce(): string {
  return randomBytes(16).toString('base64');
}

/**
 * The policy of a dashboard page: scripts only with this response's nonce (Next.js puts it on
 * its own inline scripts; 'strict-dynamic' lets those load the chunks), no framing, no plugins,
 * forms and connections only to this origin. `next dev` also needs eval for its tooling.
 */
export function pagePolicy(nonce: string, options: { dev: boolean; https: boolean }): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${options.dev ? " 'unsafe-eval'" : ''}`,
    `style-src 'self' 'nonce-${nonce}'`,
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(options.https ? ['upgrade-insecure-requests'] : []),
    `report-uri ${CSP_REPORT_PATH}`,
  ].join('; ');
}

/** An API answer is data, never a document: nothing may load from it or frame it. */
const API_POLICY = "default-src 'none'; frame-ancestors 'none'";

/** Headers on every answer, pages and API alike; HSTS only when the client came over https. */
export function setSecurityHeaders(
  res: ServerResponse,
  options: { https: boolean; policy?: string },
): void {
  res.setHeader('Content-Security-Policy', options.policy ?? API_POLICY);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  // same-origin: no URL of this service (job ids) goes to another site; Origin stays intact.
  res.setHeader('Referrer-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
  if (options.https) res.setHeader('Strict-Transport-Security', 'max-age=31536000');
}
