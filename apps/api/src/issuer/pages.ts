/**
 * The built-in issuer's pages: sign in, create an account, sign out, connect a device
 * (`yeet login`), and errors. Plain
 * server-rendered HTML (they must work before any app code loads), styled with the same
 * tokens as the web app, accessible: labelled fields, errors tied to their field and
 * announced, visible focus.
 */
import { createHash } from 'node:crypto';
import type { Locale } from '@yeet/domain/locale';

const escapeHtml = (value: unknown) =>
  String(value ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const css = `
:root{--bg:#fffaf3;--surface:#fff;--text:#2a1f17;--muted:#5f5247;--accent:#b4380f;--accent-strong:#8f2c0b;--border:#e7dccd;--error:#b3261e;--focus:#1d4ed8}
*{box-sizing:border-box}body{margin:0;background:var(--bg);color:var(--text);font:1rem/1.6 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;display:grid;place-items:start center;min-height:100vh;padding:2rem 1rem}
main{width:100%;max-width:26rem;background:var(--surface);border:1px solid var(--border);border-radius:14px;padding:2rem;box-shadow:0 8px 24px rgb(42 31 23/8%)}
.brand{font-family:Georgia,serif;font-weight:700;font-size:1.25rem;margin:0 0 1rem;color:var(--text);text-decoration:none;display:inline-block}
h1{font-family:Georgia,serif;font-size:1.6rem;margin:0 0 .5rem}p{margin:.5rem 0}.muted{color:var(--muted)}
label{display:block;font-weight:600;margin:1rem 0 .25rem}.hint{display:block;font-weight:400;font-size:.875rem;color:var(--muted)}
input{width:100%;font:inherit;padding:.6rem .75rem;border:2px solid #8c7b6b;border-radius:8px;background:#fff;color:var(--text)}
input[aria-invalid=true]{border-color:var(--error)}
.field-error{color:var(--error);font-size:.9rem;margin:.25rem 0 0}
.alert{border:2px solid var(--error);background:#fdecea;color:#5c1410;border-radius:8px;padding:.75rem 1rem;margin:1rem 0}
.notice{border:2px solid var(--border);background:#f6eee3;border-radius:8px;padding:.75rem 1rem;margin:1rem 0}
button,.button{display:inline-flex;justify-content:center;align-items:center;width:100%;min-height:2.75rem;margin-top:1.5rem;border:2px solid var(--accent);border-radius:999px;background:var(--accent);color:#fff;font:inherit;font-weight:700;cursor:pointer;text-decoration:none}
button:hover,.button:hover{background:var(--accent-strong)}.secondary{background:transparent;color:var(--accent)}
a{color:var(--accent)}:focus-visible{outline:3px solid var(--focus);outline-offset:2px}
.switch{margin-top:1.5rem;text-align:center}.user-code{font-size:2rem;font-weight:700;letter-spacing:.1em;text-align:center}`;

/** Signs out without a click where scripts run (the button stays for where they do not). */
const signOutScript = `document.getElementById('sign-out').click()`;

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

/**
 * The Content-Security-Policy of these pages: their one stylesheet and one script are inline
 * and allowed by hash, nothing else loads. No form-action: a form's redirects count against
 * it, and signing in ends on the client's redirect URI, which may be on another site.
 */
export const issuerPagePolicy = [
  "default-src 'none'",
  `style-src ${sha256(css)}`,
  `script-src ${sha256(signOutScript)}`,
  "img-src 'self' data:",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

function layout(title: string, body: string, script = '', locale: Locale = 'en'): string {
  return `<!doctype html><html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} — Eat or Yeet</title><meta name="robots" content="noindex"><style>${css}</style></head>
<body><main><a class="brand" href="/">Eat or Yeet</a>${body}</main>${script}</body></html>`;
}

interface FieldOptions {
  name: string;
  label: string;
  type: string;
  autocomplete: string;
  value?: string;
  error?: string;
  hint?: string;
  autofocus?: boolean;
}

function field(o: FieldOptions): string {
  const describedBy = [o.hint ? `${o.name}-hint` : '', o.error ? `${o.name}-error` : ''].filter(Boolean).join(' ');
  return `<label for="${o.name}">${escapeHtml(o.label)}${o.hint ? `<span class="hint" id="${o.name}-hint">${escapeHtml(o.hint)}</span>` : ''}</label>
<input id="${o.name}" name="${o.name}" type="${o.type}" autocomplete="${o.autocomplete}" required value="${escapeHtml(o.value ?? '')}"
${o.error ? 'aria-invalid="true"' : ''} ${describedBy ? `aria-describedby="${describedBy}"` : ''} ${o.autofocus ? 'autofocus' : ''}>
${o.error ? `<p class="field-error" id="${o.name}-error">${escapeHtml(o.error)}</p>` : ''}`;
}

/**
 * The words of the sign-in and sign-up pages in each of the site's languages, chosen as the
 * site chooses (`pickLocale`: the `lang` cookie, then Accept-Language). Messages the accounts
 * service gives (a wrong password, a field's problem) are its own, in English.
 */
const words = {
  en: {
    signIn: 'Sign in',
    signInLead: 'Rate recipes, keep your own, and share them.',
    email: 'Email',
    password: 'Password',
    newHere: 'New here?',
    signUp: 'Create an account',
    cancel: 'Cancel and go back',
    signUpLead: 'It takes a minute. You can rate recipes and write your own right away.',
    fix: 'Some details need a fix before we can create your account; see the fields below.',
    displayName: 'Name to show',
    displayNameHint: 'Shown next to your recipes and reviews.',
    passwordHint: 'At least 10 characters. A short sentence is easy to remember and hard to guess.',
    createAccount: 'Create account',
    haveAccount: 'Already have an account?',
    signOut: 'Sign out',
    signingOut: 'Signing you out…',
    backSoon: 'You will be back on the recipes in a moment.',
    signedOut: 'Signed out',
    youAreSignedOut: 'You are signed out',
    backToRecipes: 'Back to the recipes',
    tryAgain: 'Try again',
    expired: 'This sign-in page has expired',
    expiredText: 'Sign-in pages are valid for 30 minutes. Start again and it will work.',
    failed: 'Something went wrong',
    failedText: 'We could not complete this step. Try again.',
    connectAssistant: 'Connect an assistant',
    codeLead: 'Your terminal (or AI assistant) shows a code like <strong>BCDF-GHJK</strong>. Enter it here, then sign in.',
    code: 'Code',
    codeAsShown: 'Enter the code exactly as shown.',
    codeInvalid: 'That code is not valid (or has expired). Check it on your screen and try again.',
    continue: 'Continue',
    connect: 'Connect {client}?',
    checkCode: 'Check that your terminal shows this code:',
    deviceScope:
      'It will be able to search and read recipes, write drafts, submit them and rate recipes as you, until you sign it out (<code>yeet logout</code>). If you did not start this, cancel.',
    yesConnect: 'Yes, connect it',
    cancelButton: 'Cancel',
    connectApp: 'Connect an app',
    appAsks: '<strong>{client}</strong> asks to use Eat or Yeet as you. It named itself; it will return to <code>{to}</code>.',
    appScope:
      'It will be able to search and read recipes, write drafts, submit them and rate recipes as you, for up to 14 days. Connect only an app you have just set up yourself.',
    connectedTitle: 'Assistant connected',
    connected: 'Connected',
    connectedText: 'Your terminal has its sign-in now; you can close this page.',
  },
  de: {
    signIn: 'Anmelden',
    signInLead: 'Rezepte bewerten, eigene sammeln und teilen.',
    email: 'E-Mail',
    password: 'Passwort',
    newHere: 'Neu hier?',
    signUp: 'Konto erstellen',
    cancel: 'Abbrechen und zurück',
    signUpLead: 'Das dauert eine Minute. Danach kannst du gleich Rezepte bewerten und eigene schreiben.',
    fix: 'Ein paar Angaben müssen noch korrigiert werden, bevor wir dein Konto anlegen können; siehe unten.',
    displayName: 'Angezeigter Name',
    displayNameHint: 'Steht neben deinen Rezepten und Bewertungen.',
    passwordHint: 'Mindestens 10 Zeichen. Ein kurzer Satz ist leicht zu merken und schwer zu erraten.',
    createAccount: 'Konto erstellen',
    haveAccount: 'Schon ein Konto?',
    signOut: 'Abmelden',
    signingOut: 'Du wirst abgemeldet…',
    backSoon: 'Gleich bist du zurück bei den Rezepten.',
    signedOut: 'Abgemeldet',
    youAreSignedOut: 'Du bist abgemeldet',
    backToRecipes: 'Zurück zu den Rezepten',
    tryAgain: 'Noch einmal versuchen',
    expired: 'Diese Anmeldeseite ist abgelaufen',
    expiredText: 'Anmeldeseiten gelten 30 Minuten. Fang noch einmal an, dann klappt es.',
    failed: 'Etwas ist schiefgelaufen',
    failedText: 'Dieser Schritt hat nicht geklappt. Versuch es noch einmal.',
    connectAssistant: 'Einen Assistenten verbinden',
    codeLead:
      'Dein Terminal (oder KI-Assistent) zeigt einen Code wie <strong>BCDF-GHJK</strong>. Gib ihn hier ein und melde dich dann an.',
    code: 'Code',
    codeAsShown: 'Gib den Code genau so ein, wie er angezeigt wird.',
    codeInvalid: 'Dieser Code ist nicht gültig (oder abgelaufen). Prüf ihn auf deinem Bildschirm und versuch es noch einmal.',
    continue: 'Weiter',
    connect: '{client} verbinden?',
    checkCode: 'Prüfe, ob dein Terminal diesen Code zeigt:',
    deviceScope:
      'Er kann dann als du Rezepte suchen und lesen, Entwürfe schreiben, sie einreichen und Rezepte bewerten, bis du ihn abmeldest (<code>yeet logout</code>). Wenn du das nicht gestartet hast, brich ab.',
    yesConnect: 'Ja, verbinden',
    cancelButton: 'Abbrechen',
    connectApp: 'Eine App verbinden',
    appAsks:
      '<strong>{client}</strong> möchte Eat or Yeet als du nutzen. Den Namen hat sie sich selbst gegeben; sie kehrt zurück zu <code>{to}</code>.',
    appScope:
      'Sie kann dann bis zu 14 Tage lang als du Rezepte suchen und lesen, Entwürfe schreiben, sie einreichen und Rezepte bewerten. Verbinde nur eine App, die du gerade selbst eingerichtet hast.',
    connectedTitle: 'Assistent verbunden',
    connected: 'Verbunden',
    connectedText: 'Dein Terminal ist jetzt angemeldet; du kannst diese Seite schließen.',
  },
} satisfies Record<Locale, Record<string, string>>;

/** A page's words in `locale`: the issuer's own pages and errors (apps/api/src/issuer/routes.ts). */
export const issuerWords = (locale: Locale = 'en') => words[locale];

const alert = (message?: string) => (message ? `<div class="alert" role="alert">${escapeHtml(message)}</div>` : '');

export function signInPage(o: {
  action: string;
  signUpHref: string;
  cancelHref: string;
  email?: string;
  error?: string;
  notice?: string;
  locale?: Locale;
}) {
  const w = words[o.locale ?? 'en'];
  return layout(
    w.signIn,
    `<h1>${w.signIn}</h1><p class="muted">${w.signInLead}</p>
${alert(o.error)}${o.notice ? `<div class="notice" role="status">${escapeHtml(o.notice)}</div>` : ''}
<form method="post" action="${escapeHtml(o.action)}" novalidate>
${field({ name: 'email', label: w.email, type: 'email', autocomplete: 'username', value: o.email, autofocus: !o.email })}
${field({ name: 'password', label: w.password, type: 'password', autocomplete: 'current-password', autofocus: Boolean(o.email) })}
<button type="submit">${w.signIn}</button></form>
<p class="switch">${w.newHere} <a href="${escapeHtml(o.signUpHref)}">${w.signUp}</a></p>
<p class="switch"><a href="${escapeHtml(o.cancelHref)}">${w.cancel}</a></p>`,
    '',
    o.locale,
  );
}

export function signUpPage(o: {
  action: string;
  signInHref: string;
  cancelHref: string;
  values?: { email?: string; displayName?: string };
  errors?: Record<string, string>;
  error?: string;
  locale?: Locale;
}) {
  const w = words[o.locale ?? 'en'];
  const errors = o.errors ?? {};
  const first = ['displayName', 'email', 'password'].find((f) => errors[f]);
  const summary = o.error ?? (first ? w.fix : undefined);
  return layout(
    w.signUp,
    `<h1>${w.signUp}</h1><p class="muted">${w.signUpLead}</p>
${alert(summary)}
<form method="post" action="${escapeHtml(o.action)}" novalidate>
${field({ name: 'displayName', label: w.displayName, type: 'text', autocomplete: 'nickname', value: o.values?.displayName, error: errors.displayName, hint: w.displayNameHint, autofocus: !first || first === 'displayName' })}
${field({ name: 'email', label: w.email, type: 'email', autocomplete: 'email', value: o.values?.email, error: errors.email, autofocus: first === 'email' })}
${field({ name: 'password', label: w.password, type: 'password', autocomplete: 'new-password', error: errors.password, hint: w.passwordHint, autofocus: first === 'password' })}
<button type="submit">${w.createAccount}</button></form>
<p class="switch">${w.haveAccount} <a href="${escapeHtml(o.signInHref)}">${w.signIn}</a></p>
<p class="switch"><a href="${escapeHtml(o.cancelHref)}">${w.cancel}</a></p>`,
    '',
    o.locale,
  );
}

/** Wraps oidc-provider's logout form: one click (or none with JavaScript) signs out. */
export function signOutPage(form: string, locale: Locale = 'en') {
  const w = words[locale];
  return layout(
    w.signOut,
    `<h1>${w.signingOut}</h1><p class="muted">${w.backSoon}</p>
${form}<button type="submit" form="op.logoutForm" name="logout" value="yes" id="sign-out">${w.signOut}</button>`,
    `<script>${signOutScript}</script>`,
    locale,
  );
}

export function signedOutPage(locale: Locale = 'en') {
  const w = words[locale];
  return layout(w.signedOut, `<h1>${w.youAreSignedOut}</h1><a class="button" href="/">${w.backToRecipes}</a>`, '', locale);
}

/** An error page: `title` and `message` in `locale` (the caller's words), its buttons too. */
export function errorPage(title: string, message: string, retryHref = '/auth/login', locale: Locale = 'en') {
  const w = words[locale];
  return layout(
    title,
    `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p>
<a class="button" href="${escapeHtml(retryHref)}">${w.tryAgain}</a><a class="button secondary" href="/">${w.backToRecipes}</a>`,
    '',
    locale,
  );
}

/**
 * Step 1 of `yeet login` in the browser: type the code the terminal shows. oidc-provider
 * hands over its form; we keep its action and anti-forgery token and lay out our own
 * labelled field.
 */
export function deviceCodePage(o: { form: string; invalid?: boolean; locale?: Locale }) {
  const w = words[o.locale ?? 'en'];
  const action = /action="([^"]*)"/.exec(o.form)?.[1] ?? '';
  const xsrf = /name="xsrf" value="([^"]*)"/.exec(o.form)?.[1] ?? '';
  const code = /name="user_code"[^>]*?value="([^"]*)"|value="([^"]*)"[^>]*name="user_code"/.exec(o.form);
  return layout(
    w.connectAssistant,
    `<h1>${w.connectAssistant}</h1><p class="muted">${w.codeLead}</p>
${alert(o.invalid ? w.codeInvalid : undefined)}
<form method="post" action="${escapeHtml(action)}" novalidate>
<input type="hidden" name="xsrf" value="${escapeHtml(xsrf)}">
${field({ name: 'user_code', label: w.code, type: 'text', autocomplete: 'off', value: code?.[1] ?? code?.[2] ?? '', error: o.invalid ? w.codeAsShown : undefined, autofocus: true })}
<button type="submit">${w.continue}</button></form>`,
    '',
    o.locale,
  );
}

/** Step 2: make sure the code is the one on the person's own screen. */
export function deviceConfirmPage(o: { form: string; client: string; userCode: string; locale?: Locale }) {
  const w = words[o.locale ?? 'en'];
  return layout(
    w.connectAssistant,
    `<h1>${w.connect.replace('{client}', escapeHtml(o.client))}</h1>
<p>${w.checkCode}</p><p class="user-code">${escapeHtml(o.userCode)}</p>
<p class="muted">${w.deviceScope}</p>
${o.form}
<button type="submit" form="op.deviceConfirmForm">${w.yesConnect}</button>
<button type="submit" form="op.deviceConfirmForm" name="abort" value="yes" class="secondary">${w.cancelButton}</button>`,
    '',
    o.locale,
  );
}

/**
 * Consent for a client that registered itself (an MCP client, RFC 7591): its name is its own
 * claim, so the page also shows where it will send the person back, which it cannot fake.
 */
export function consentPage(o: { action: string; client: string; redirectTo: string; locale?: Locale }) {
  const w = words[o.locale ?? 'en'];
  return layout(
    w.connectApp,
    `<h1>${w.connect.replace('{client}', escapeHtml(o.client))}</h1>
<p>${w.appAsks.replace('{client}', escapeHtml(o.client)).replace('{to}', escapeHtml(o.redirectTo))}</p>
<p class="muted">${w.appScope}</p>
<form method="post" action="${escapeHtml(o.action)}">
<button type="submit" name="decision" value="allow">${w.yesConnect}</button>
<button type="submit" name="decision" value="deny" class="secondary">${w.cancelButton}</button>
</form>`,
    '',
    o.locale,
  );
}

export function deviceDonePage(locale: Locale = 'en') {
  const w = words[locale];
  return layout(
    w.connectedTitle,
    `<h1>${w.connected}</h1><p>${w.connectedText}</p><a class="button secondary" href="/">${w.backToRecipes}</a>`,
    '',
    locale,
  );
}
