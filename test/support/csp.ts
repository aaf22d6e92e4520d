import type { BrowserContext } from 'playwright-core';

/**
 * Collects every Content-Security-Policy violation the pages of `context` meet, as the
 * page's `securitypolicyviolation` event reports it and as Chromium logs it (which also
 * covers what happens before the page's own listener could run), into `into`.
 */
export async function watchContentSecurityPolicy(context: BrowserContext, into: string[]): Promise<void> {
  await context.exposeFunction('reportCspViolation', (line: string) => into.push(line));
  // A string: it runs in the page (this project's TypeScript has no DOM types).
  await context.addInitScript(`document.addEventListener('securitypolicyviolation', (e) =>
    window.reportCspViolation(location.pathname + ': ' + e.effectiveDirective + ' refused ' + (e.blockedURI || 'an inline resource') + ' ' + e.sample));`);
  context.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) into.push(`${message.location().url}: ${message.text()}`);
  });
}
