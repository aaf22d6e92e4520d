import { create } from '@bufbuild/protobuf';
import { ConnectError } from '@connectrpc/connect';
import { BadRequestSchema } from '@yeet/contract';
import { describeViolations, type FieldViolation } from '@yeet/domain';
import { type Locale, pickLocale } from '@yeet/domain/locale';

/**
 * The API's messages in German, for the site's German readers (issue 17, decision 0042).
 *
 * The API writes its messages in English (every client and test reads them so); a request
 * that asks for German (the site's `lang` cookie, then Accept-Language: `pickLocale`) gets the
 * messages a person meets on the website in German: its error's message and each field
 * violation's description. The web's browser calls carry the cookie and the header by
 * themselves; its server-side rendering passes the page's language on (apps/server/src/web-transport.ts,
 * apps/web/src/lib/api.ts). The table below matches the English the domain and the
 * controllers write, whole; a message it does not know stays English.
 */

/** The words the messages put into their sentences (field names, statuses, roles). */
const nouns: Record<string, string> = {
  title: 'der Titel',
  summary: 'die Zusammenfassung',
  'section name': 'der Name des Abschnitts',
  unit: 'die Einheit',
  ingredient: 'die Zutat',
  note: 'die Notiz',
  'a step': 'ein Schritt',
  'prep time': 'die Vorbereitungszeit',
  'cook time': 'die Kochzeit',
  'total time': 'die Gesamtzeit',
  'a time': 'eine Zeit',
};
const noun = (what: string) => nouns[what] ?? what;
const things: Record<string, string> = {
  Recipe: 'Das Rezept',
  Collection: 'Die Sammlung',
  'Shared collection': 'Die geteilte Sammlung',
  'Shopping-list item': 'Der Eintrag der Einkaufsliste',
  'Meal plan entry': 'Der Eintrag im Essensplan',
  'Your account': 'Dein Konto',
  User: 'Die Person',
  Upload: 'Der Upload',
  Export: 'Der Export',
  'Calendar feed': 'Der Kalender-Link',
};
const statuses: Record<string, string> = {
  'a draft': 'ein Entwurf',
  'in review': 'in Prüfung',
  published: 'veröffentlicht',
  archived: 'archiviert',
};
const plurals: Record<string, string> = {
  drafts: 'Entwürfe',
  'recipes in review': 'Rezepte in Prüfung',
  'published recipes': 'veröffentlichte Rezepte',
  'archived recipes': 'archivierte Rezepte',
};
const done: Record<string, string> = {
  submitted: 'eingereicht',
  approved: 'freigegeben',
  rejected: 'abgelehnt',
  unpublished: 'zurückgezogen',
  archived: 'archiviert',
};
const actions: Record<string, string> = {
  submit: 'einreichen',
  approve: 'freigeben',
  reject: 'ablehnen',
  unpublish: 'zurückziehen',
  archive: 'archivieren',
};
const performers: Record<string, string> = {
  "the recipe's author": 'der Autor oder die Autorin des Rezepts kann',
  editors: 'die Redaktion kann',
};

const roles: Record<string, string> = { user: 'Mitglied', author: 'Autor/in', editor: 'Redaktion', admin: 'Admin' };
const resources: Record<string, string> = {
  recipe: 'das Rezept',
  collection: 'die Sammlung',
  upload: 'der Upload',
  export: 'der Export',
  user: 'das Konto',
};

type Rule = readonly [RegExp, (...m: string[]) => string];

/** English (whole, anchored) → German. Order matters only where two could match. */
const rules: readonly Rule[] = [
  // what authors write (packages/domain/src/recipe-content.ts)
  [/^(.+) must be at most (\d+) characters$/, (_, w, n) => `${noun(w!)} darf höchstens ${n} Zeichen lang sein`],
  [/^(.+) contains control characters; remove them$/, (_, w) => `${noun(w!)} enthält Steuerzeichen; entferne sie`],
  [/^contains control characters; remove them$/, () => 'enthält Steuerzeichen; entferne sie'],
  [/^(.+) must be a whole number of minutes$/, (_, w) => `${noun(w!)} muss eine ganze Zahl von Minuten sein`],
  [/^(.+) cannot be negative$/, (_, w) => `${noun(w!)} darf nicht negativ sein`],
  [/^(.+) must be at most (\d+) minutes \(a week\)$/, (_, w, n) => `${noun(w!)} darf höchstens ${n} Minuten (eine Woche) sein`],
  [
    /^each tag needs at least (\d+) letters or digits$/,
    (_, n) => `jedes Schlagwort braucht mindestens ${n} Buchstaben oder Ziffern`,
  ],
  [/^each tag must be at most (\d+) characters$/, (_, n) => `jedes Schlagwort darf höchstens ${n} Zeichen lang sein`],
  [/^at most (\d+) tags$/, (_, n) => `höchstens ${n} Schlagwörter`],
  [/^at most (\d+) cuisines$/, (_, n) => `höchstens ${n} Küchen`],
  [/^at most (\d+) ingredients per section$/, (_, n) => `höchstens ${n} Zutaten pro Abschnitt`],
  [/^at most (\d+) sections$/, (_, n) => `höchstens ${n} Abschnitte`],
  [/^at most (\d+) steps$/, (_, n) => `höchstens ${n} Schritte`],
  [
    /^quantity must be more than 0; leave it empty for "to taste"$/,
    () => 'die Menge muss größer als 0 sein; lass sie für „nach Geschmack“ leer',
  ],
  [/^quantity must be at most (\d+)$/, (_, n) => `die Menge darf höchstens ${n} sein`],
  [/^say what the ingredient is$/, () => 'gib an, was die Zutat ist'],
  [/^title needs at least (\d+) characters$/, (_, n) => `der Titel braucht mindestens ${n} Zeichen`],
  [/^a step cannot be empty; remove it or write it$/, () => 'ein Schritt darf nicht leer sein; entferne ihn oder schreib ihn'],
  [/^servings must be a whole number$/, () => 'die Portionen müssen eine ganze Zahl sein'],
  [/^servings must be between (\d+) and (\d+)$/, (_, a, b) => `die Portionen müssen zwischen ${a} und ${b} liegen`],
  [/^choose one of: (.+)$/, (_, list) => `wähle eins von: ${list}`],
  [
    /^total time must be at least prep \+ cook \((\d+) minutes\); leave it 0 to use that$/,
    (_, n) => `die Gesamtzeit muss mindestens Vorbereitung + Kochen sein (${n} Minuten); lass sie bei 0, um das zu nehmen`,
  ],
  [/^write a short summary$/, () => 'schreib eine kurze Zusammenfassung'],
  [/^add at least one ingredient$/, () => 'füge mindestens eine Zutat hinzu'],
  [/^add at least one step$/, () => 'füge mindestens einen Schritt hinzu'],
  [/^choose at least one meal type$/, () => 'wähle mindestens eine Mahlzeit'],
  [/^say how long the recipe takes$/, () => 'gib an, wie lange das Rezept dauert'],
  // the lifecycle (packages/domain/src/lifecycle.ts)
  [
    /^Only (.+) can (\w+) a recipe\.$/,
    (_, who, what) => `Nur ${performers[who!] ?? `${who} kann`} ein Rezept ${actions[what!] ?? what}.`,
  ],
  [
    /^give a reason when a recipe is (\w+), so the author knows what to change$/,
    (_, d) => `gib einen Grund an, wenn ein Rezept ${done[d!] ?? d} wird, damit der Autor weiß, was zu ändern ist`,
  ],
  [
    /^This recipe is (.+); only drafts can be deleted\. Published recipes can be archived instead\.$/,
    (_, s) =>
      `Dieses Rezept ist ${statuses[s!] ?? s}; nur Entwürfe können gelöscht werden. Veröffentlichte Rezepte können stattdessen archiviert werden.`,
  ],
  [
    /^This recipe is (.+); only (.+) can be (\w+)\.$/,
    (_, s, allowed, d) =>
      `Dieses Rezept ist ${statuses[s!] ?? s}; nur ${allowed!
        .split(' or ')
        .map((a) => plurals[a] ?? a)
        .join(' oder ')} können ${done[d!] ?? d} werden.`,
  ],
  [
    /^This recipe is (.+) and cannot be edited\.( Ask an editor to send it back to draft, or wait for the review\.)?$/,
    (_, s, hint) =>
      `Dieses Rezept ist ${statuses[s!] ?? s} und kann nicht bearbeitet werden.${hint ? ' Bitte die Redaktion, es zum Entwurf zurückzuschicken, oder warte die Prüfung ab.' : ''}`,
  ],
  [
    /^This recipe was changed by someone else \(now version (\d+), you edited version (\d+)\)\. Reload it and apply your changes again\.$/,
    (_, now, was) =>
      `Jemand anderes hat dieses Rezept geändert (jetzt Version ${now}, du hast Version ${was} bearbeitet). Lade es neu und übernimm deine Änderungen noch einmal.`,
  ],
  [
    /^Could not find a free web address for this title; change the title a little and try again\.$/,
    () => 'Für diesen Titel war keine freie Webadresse zu finden; ändere den Titel ein wenig und versuch es noch einmal.',
  ],
  // not found, signed out, refused (packages/domain/src/errors.ts and the controllers)
  [
    /^(.+) was not found\. Check the id or slug\.$/,
    (_, what) => `${things[what!] ?? what} wurde nicht gefunden. Prüfe die ID oder die Adresse.`,
  ],
  [/^Sign in to do this\.$/, () => 'Melde dich an, um das zu tun.'],
  [/^Sign in to list your own recipes\.$/, () => 'Melde dich an, um deine eigenen Rezepte zu sehen.'],
  [
    /^This needs the (\w+) role; ask an admin for it\.$/,
    (_, role) => `Dafür braucht es die Rolle „${roles[role!] ?? role}“; bitte einen Admin darum.`,
  ],
  [
    /^Only the (.+)'s owner( or an? (\w+))? can do this\.$/,
    (_, what, or, role) =>
      `Nur wem ${resources[what!] ?? what} gehört${or ? ` oder wer die Rolle „${roles[role!] ?? role}“ hat` : ''}, kann das tun.`,
  ],
  [/^Only published recipes can be rated\.$/, () => 'Nur veröffentlichte Rezepte können bewertet werden.'],
  [/^You cannot rate your own recipe\.$/, () => 'Dein eigenes Rezept kannst du nicht bewerten.'],
  [/^give 1 to 5 stars$/, () => 'gib 1 bis 5 Sterne'],
  [/^must be at most (\d+) characters$/, (_, n) => `darf höchstens ${n} Zeichen lang sein`],
  // people, accounts (packages/domain/src/user.ts, account.ts; user and account controllers)
  [/^say what name to show; it cannot be empty$/, () => 'gib an, welcher Name gezeigt werden soll; er darf nicht leer sein'],
  [/^enter an email address like name@example\.com$/, () => 'gib eine E-Mail-Adresse wie name@example.com ein'],
  [
    /^use at least (\d+) characters; a short sentence works well$/,
    (_, n) => `nimm mindestens ${n} Zeichen; ein kurzer Satz eignet sich gut`,
  ],
  [/^use at most (\d+) characters$/, (_, n) => `nimm höchstens ${n} Zeichen`],
  [/^use more than a few different characters$/, () => 'nimm mehr als ein paar verschiedene Zeichen'],
  [/^The email or password is incorrect\.$/, () => 'E-Mail-Adresse oder Passwort stimmen nicht.'],
  [
    /^Too many accounts were created from your address\. Wait (.+), then try again\.$/,
    (_, wait) => `Von deiner Adresse wurden zu viele Konten angelegt. Warte ${wait} und versuch es dann noch einmal.`,
  ],
  [
    /^Too many failed sign-ins (to this account from your address|from your address|to this account)\. Wait (.+), then try again\.$/,
    (_, which, wait) =>
      `Zu viele fehlgeschlagene Anmeldungen ${
        { 'to this account from your address': 'bei diesem Konto von deiner Adresse', 'from your address': 'von deiner Adresse' }[
          which!
        ] ?? 'bei diesem Konto'
      }. Warte ${wait} und versuch es dann noch einmal.`,
  ],
  [
    /^We could not create an account with these details\. If you already have one, sign in instead\.$/,
    () => 'Mit diesen Angaben konnten wir kein Konto anlegen. Wenn du schon eins hast, melde dich stattdessen an.',
  ],
  [
    /^This account was deleted\. Sign in again later to start a new one\.$/,
    () => 'Dieses Konto wurde gelöscht. Melde dich später noch einmal an, um ein neues anzulegen.',
  ],
  [
    /^Enter your password to confirm that you want to delete your account\.$/,
    () => 'Gib dein Passwort ein, um zu bestätigen, dass du dein Konto löschen willst.',
  ],
  [
    /^That is not your password\. Enter the password you sign in with to delete your account\.$/,
    () => 'Das ist nicht dein Passwort. Gib das Passwort ein, mit dem du dich anmeldest, um dein Konto zu löschen.',
  ],
  [/^Only an admin can delete another person’s account\.$/, () => 'Nur ein Admin kann das Konto einer anderen Person löschen.'],
  [/^Only an admin can export another person’s data\.$/, () => 'Nur ein Admin kann die Daten einer anderen Person exportieren.'],
  [
    /^Roles come from the identity provider here; change them there\.$/,
    () => 'Rollen kommen hier vom Anmeldedienst; ändere sie dort.',
  ],
  [
    /^You are the last admin; make someone else an admin before deleting your account\.$/,
    () => 'Du bist der letzte Admin; mach jemand anderen zum Admin, bevor du dein Konto löschst.',
  ],
  [
    /^To delete your account, sign in again first \(your last sign-in must be less than (\d+) minutes old\), then delete it\.$/,
    (_, n) =>
      `Um dein Konto zu löschen, melde dich zuerst noch einmal an (deine letzte Anmeldung muss weniger als ${n} Minuten her sein), dann lösche es.`,
  ],
  [
    /^This is the last admin; make someone else an admin first\.$/,
    () => 'Das ist der letzte Admin; mach zuerst jemand anderen zum Admin.',
  ],
  // collections (packages/domain/src/collection.ts; the collection controller)
  [/^give the collection a name, e\.g\. "Weeknight"$/, () => 'gib der Sammlung einen Namen, z. B. „Unter der Woche“'],
  [
    /^You already have a collection called "(.+)"\. Choose another name\.$/,
    (_, n) => `Du hast schon eine Sammlung namens „${n}“. Wähle einen anderen Namen.`,
  ],
  [
    /^You have (\d+) collections, the most there can be; delete one first\.$/,
    (_, n) => `Du hast ${n} Sammlungen, mehr geht nicht; lösche zuerst eine.`,
  ],
  [
    /^Favourites keeps its name; create a collection to name your own\.$/,
    () => 'Favoriten behält seinen Namen; leg eine Sammlung an, um selbst einen zu vergeben.',
  ],
  [
    /^Favourites cannot be deleted; remove its recipes instead\.$/,
    () => 'Favoriten kann nicht gelöscht werden; entferne stattdessen seine Rezepte.',
  ],
  [
    /^Only published recipes and your own can be saved\.$/,
    () => 'Nur veröffentlichte und deine eigenen Rezepte können gespeichert werden.',
  ],
  [
    /^"(.+)" holds (\d+) recipes, the most a collection can; start another\.$/,
    (_, name, n) => `„${name}“ enthält ${n} Rezepte, mehr geht in eine Sammlung nicht; leg eine weitere an.`,
  ],
  // shopping list and meal plan (packages/domain/src/shopping.ts, meal-plan.ts; their controllers)
  [/^must be between (\d+) and (\d+)$/, (_, a, b) => `muss zwischen ${a} und ${b} liegen`],
  [/^must be a whole number between (\d+) and (\d+)$/, (_, a, b) => `muss eine ganze Zahl zwischen ${a} und ${b} sein`],
  [/^cannot be empty; say what to buy$/, () => 'darf nicht leer sein; gib an, was du kaufen willst'],
  [
    /^must be more than 0 and at most (\d+); leave it empty for no amount$/,
    (_, n) => `muss größer als 0 und höchstens ${n} sein; lass es für keine Menge leer`,
  ],
  [
    /^Your shopping list has (\d+) lines, the most it holds; clear the ticked ones or remove some first\.$/,
    (_, n) =>
      `Deine Einkaufsliste hat ${n} Einträge, mehr passen nicht hinein; entferne zuerst die abgehakten oder ein paar andere.`,
  ],
  [/^needs a quantity; give one or leave the unit empty$/, () => 'braucht eine Menge; gib eine an oder lass die Einheit leer'],
  [/^must not be empty$/, () => 'darf nicht leer sein'],
  [/^must not contain control characters or line breaks$/, () => 'darf keine Steuerzeichen oder Zeilenumbrüche enthalten'],
  [
    /^must be a day written YYYY-MM-DD \(e\.g\. (\S+)\) between (\d+) and (\d+)$/,
    (_, e, a, b) => `muss ein Tag sein, geschrieben JJJJ-MM-TT (z. B. ${e}), zwischen ${a} und ${b}`,
  ],
  [/^must be a real day written YYYY-MM-DD$/, () => 'muss ein echter Tag sein, geschrieben JJJJ-MM-TT'],
  [
    /^This entry is a note; only a planned recipe has servings\.$/,
    () => 'Dieser Eintrag ist eine Notiz; nur ein geplantes Rezept hat Portionen.',
  ],
  [
    /^This entry is a recipe; only a note has text to change\.$/,
    () => 'Dieser Eintrag ist ein Rezept; nur eine Notiz hat Text zum Ändern.',
  ],
  // photos (the image controller)
  [/^upload a JPEG, PNG, WebP, AVIF or HEIC image$/, () => 'lade ein JPEG-, PNG-, WebP-, AVIF- oder HEIC-Bild hoch'],
  [/^the image is larger than (.+); make it smaller$/, (_, size) => `das Bild ist größer als ${size}; mach es kleiner`],
  [/^This upload expired; start a new one\.$/, () => 'Dieser Upload ist abgelaufen; starte einen neuen.'],
  [/^This upload expired; upload the image again\.$/, () => 'Dieser Upload ist abgelaufen; lade das Bild noch einmal hoch.'],
  [/^This upload was already attached; start a new one\.$/, () => 'Dieser Upload wurde schon verwendet; starte einen neuen.'],
  // importing (the import controller)
  [/^give the address of the recipe page$/, () => 'gib die Adresse der Rezeptseite an'],
  [
    /^paste the recipe: a title, then its ingredients and method$/,
    () => 'füge das Rezept ein: einen Titel, dann die Zutaten und die Zubereitung',
  ],
  [
    /^at most ([\d,]+) characters; paste one recipe$/,
    (_, n) => `höchstens ${n!.replace(/,/g, '.')} Zeichen; füge ein Rezept ein`,
  ],
  // importing: nothing found (the import controller)
  [
    /^No recipe was found in that text: put the ingredients under a line "Ingredients" and the steps under a line "Method", one per line\.$/,
    () =>
      'In diesem Text wurde kein Rezept gefunden: schreib die Zutaten unter eine Zeile „Ingredients“ und die Schritte unter eine Zeile „Method“, je eine pro Zeile.',
  ],
  [
    /^No recipe was found on that page: it has no ingredients or method we could read\. Give the address of the recipe itself, or paste its text\.$/,
    () =>
      'Auf dieser Seite wurde kein Rezept gefunden: sie hat keine Zutaten oder Zubereitung, die wir lesen konnten. Gib die Adresse des Rezepts selbst an oder füge seinen Text ein.',
  ],
  // fetching a page to import (apps/api/src/import/fetch-guard.ts)
  [
    /^That is not a web address\. Give the full address of the page, starting with https:\/\/\.$/,
    () => 'Das ist keine Webadresse. Gib die vollständige Adresse der Seite an, beginnend mit https://.',
  ],
  [
    /^Only http and https pages can be imported, not (\w+): addresses\.$/,
    (_, p) => `Nur http- und https-Seiten können importiert werden, keine ${p}:-Adressen.`,
  ],
  [
    /^Pages can be imported from port (.+) only; this address uses port (\d+)\.$/,
    (_, ports, port) =>
      `Seiten können nur über Port ${ports!.replace(' or ', ' oder ')} importiert werden; diese Adresse nutzt Port ${port}.`,
  ],
  [/^That address names no host\.$/, () => 'Diese Adresse nennt keinen Host.'],
  [/^The host (\S+) could not be found\. Check the address\.$/, (_, h) => `Den Host ${h} gibt es nicht. Prüfe die Adresse.`],
  [
    /^(.+) points to (.+); only pages on the public internet can be imported\.$/,
    (_, what, why) =>
      `${what === 'That address' ? 'Diese Adresse' : what} zeigt auf ${why}; nur Seiten im öffentlichen Internet können importiert werden.`,
  ],
  [
    /^The page redirects more than (\d+) times; give its final address\.$/,
    (_, n) => `Die Seite leitet mehr als ${n}-mal weiter; gib ihre endgültige Adresse an.`,
  ],
  [/^The page redirects to an address that is not valid\.$/, () => 'Die Seite leitet auf eine ungültige Adresse weiter.'],
  [
    /^The site answered (\d+) for that page; check that the address opens in a browser\.$/,
    (_, st) => `Die Website hat für diese Seite ${st} geantwortet; prüfe, ob sich die Adresse im Browser öffnet.`,
  ],
  [
    /^The (photo|page) is larger than (.+); it cannot be imported\.$/,
    (_, w, size) =>
      `${w === 'photo' ? 'Das Foto' : 'Die Seite'} ist größer als ${size}; ${w === 'photo' ? 'es' : 'sie'} kann nicht importiert werden.`,
  ],
  [
    /^The site took too long to answer \(over (\d+) s\); try again later\.$/,
    (_, n) => `Die Website hat zu lange gebraucht (über ${n} s); versuch es später noch einmal.`,
  ],
  [
    /^The page could not be fetched \((.+)\); check the address, or try again later\.$/,
    (_, code) => `Die Seite konnte nicht geladen werden (${code}); prüfe die Adresse oder versuch es später noch einmal.`,
  ],
  // the rate limit (apps/api/src/limits/rate-limits.ts)
  [
    /^Too many requests from (this address|your account|this MCP client): (\d+) units per minute, where (.+)\. Try again in (\d+) s\.$/,
    (_, who, q, _costs, sec) =>
      `Zu viele Anfragen von ${{ 'this address': 'dieser Adresse', 'your account': 'deinem Konto' }[who!] ?? 'diesem MCP-Client'}: höchstens ${q} Einheiten pro Minute. Versuch es in ${sec} s noch einmal.`,
  ],
  // the issuer's refusals (apps/api/src/issuer/routes.ts), on its error page
  [/^Not allowed$/, () => 'Nicht erlaubt'],
  [/^This request came from another site\.$/, () => 'Diese Anfrage kam von einer anderen Website.'],
  [/^Sign-in was cancelled\.$/, () => 'Die Anmeldung wurde abgebrochen.'],
  [/^The person did not connect this app\.$/, () => 'Die Person hat diese App nicht verbunden.'],
  [/^This app cannot be authorised here\.$/, () => 'Diese App kann hier nicht zugelassen werden.'],
  // faults (apps/api/src/rpc/errors.ts)
  [
    /^Something went wrong on our side\. Try again\.(?: If it keeps failing, report trace id (\w+)\.)?$/,
    (_, id) =>
      `Bei uns ist etwas schiefgelaufen. Versuch es noch einmal.${id ? ` Wenn es weiter nicht klappt, nenne uns die Trace-ID ${id}.` : ''}`,
  ],
  [
    /^The database is not reachable or did not answer in time right now\. Try again in a moment\.$/,
    () => 'Die Datenbank ist gerade nicht erreichbar oder hat nicht rechtzeitig geantwortet. Versuch es gleich noch einmal.',
  ],
];

/** `text` in German, or as it is when the table does not know it. */
export function germanText(text: string): string {
  for (const [pattern, german] of rules) {
    const m = pattern.exec(text);
    if (m) return german(...m);
  }
  return text;
}

/** `text` in `locale` (the API writes English). */
export const localText = (text: string, locale: Locale): string => (locale === 'de' ? germanText(text) : text);

/** Field violations with their descriptions in `locale`. */
export const localViolations = (violations: readonly FieldViolation[], locale: Locale): FieldViolation[] =>
  violations.map((v) => ({ field: v.field, description: localText(v.description, locale) }));

const notReady = 'This recipe is not ready for review: ';

/** The message of an error with `violations`, in German: rebuilt from them where it was made of them. */
function germanMessage(message: string, english: readonly FieldViolation[], german: readonly FieldViolation[]): string {
  if (english.length && message === describeViolations(english)) return describeViolations(german);
  if (message.startsWith(notReady) && english.length) {
    return `Dieses Rezept ist noch nicht bereit für die Prüfung: ${german.map((v) => v.description).join('; ')}.`;
  }
  return germanText(message);
}

/** The language a call asks for: the site's `lang` cookie, then Accept-Language (as the web's pages choose). */
export const callLocale = (header: Headers): Locale =>
  pickLocale(header.get('cookie') ?? undefined, header.get('accept-language') ?? undefined);

/**
 * The Connect error the caller sees, in `locale`: the message and the field violations'
 * descriptions in German for a German caller; the same error for anyone else (and for
 * anything that is not a Connect error).
 */
export function localError(error: unknown, locale: Locale): unknown {
  if (locale === 'en' || !(error instanceof ConnectError)) return error;
  const english = error
    .findDetails(BadRequestSchema)
    .flatMap((d) => d.fieldViolations.map(({ field, description }) => ({ field, description })));
  const german = localViolations(english, locale);
  const message = germanMessage(error.rawMessage, english, german);
  if (message === error.rawMessage && german.every((v, i) => v.description === english[i]?.description)) return error;
  // the other details as they were; the field violations in German
  type Outgoing = NonNullable<ConstructorParameters<typeof ConnectError>[3]>[number];
  const others = error.details.filter((d): d is Outgoing => 'desc' in d && d.desc.typeName !== BadRequestSchema.typeName);
  const violations = german.length
    ? [{ desc: BadRequestSchema, value: create(BadRequestSchema, { fieldViolations: german }) }]
    : [];
  return new ConnectError(message, error.code, error.metadata, [...others, ...violations], error.cause);
}
