/**
 * iCalendar text (RFC 5545) for a meal plan's feed. Each entry is an all-day event on its day
 * (docs/decisions/0028-meal-plan-calendar-feed.md): a plan says which day, not which hour,
 * so nothing is placed at a time the person did not choose, and the events are transparent
 * (they never make the person look busy).
 */
import { addDays, mealSlotLabels, type MealSlot } from '@yeet/domain';

export interface CalendarEvent {
  /** Stable across fetches, so a calendar app updates the event rather than duplicating it. */
  uid: string;
  /** "YYYY-MM-DD". */
  day: string;
  slot: MealSlot;
  summary: string;
  description: string;
  url: string | null;
}

export interface Calendar {
  name: string;
  events: CalendarEvent[];
  /** DTSTAMP of every event: when this text was made. */
  now: Date;
}

const crlf = '\r\n';

/** TEXT values (RFC 5545 3.3.11): backslash, semicolon, comma and line breaks escaped. */
export function escapeText(text: string): string {
  return text.replace(/[\\;,]/g, (c) => `\\${c}`).replace(/\r\n|\r|\n/g, '\\n');
}

/**
 * A content line folded at 75 octets (RFC 5545 3.1): CRLF and one space before each
 * continuation, never inside a UTF-8 sequence.
 */
export function foldLine(line: string): string {
  const parts: string[] = [];
  let current = '';
  let octets = 0;
  for (const char of line) {
    const size = Buffer.byteLength(char, 'utf8');
    // the first line holds 75 octets, each continuation 74 after its leading space
    if (octets + size > (parts.length === 0 ? 75 : 74)) {
      parts.push(current);
      current = '';
      octets = 0;
    }
    current += char;
    octets += size;
  }
  parts.push(current);
  return parts.join(`${crlf} `);
}

const basicDate = (day: string) => day.replaceAll('-', '');
const utcStamp = (at: Date) => `${at.toISOString().slice(0, 19).replace(/[-:]/g, '')}Z`;

export function renderCalendar(calendar: Calendar): string {
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Eat or Yeet//Meal plan//EN',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    `NAME:${escapeText(calendar.name)}`,
    `X-WR-CALNAME:${escapeText(calendar.name)}`,
    // how often a calendar app should fetch the feed again (RFC 7986, and Outlook's spelling)
    'REFRESH-INTERVAL;VALUE=DURATION:PT1H',
    'X-PUBLISHED-TTL:PT1H',
  ];
  for (const event of calendar.events) {
    lines.push(
      'BEGIN:VEVENT',
      `UID:${escapeText(event.uid)}`,
      `DTSTAMP:${utcStamp(calendar.now)}`,
      `DTSTART;VALUE=DATE:${basicDate(event.day)}`,
      `DTEND;VALUE=DATE:${basicDate(addDays(event.day, 1))}`,
      `SUMMARY:${escapeText(`${mealSlotLabels[event.slot]}: ${event.summary}`)}`,
      ...(event.description ? [`DESCRIPTION:${escapeText(event.description)}`] : []),
      ...(event.url ? [`URL;VALUE=URI:${event.url}`] : []),
      `CATEGORIES:${escapeText(mealSlotLabels[event.slot])}`,
      'TRANSP:TRANSPARENT',
      'END:VEVENT',
    );
  }
  lines.push('END:VCALENDAR');
  return lines.map(foldLine).join(crlf) + crlf;
}
