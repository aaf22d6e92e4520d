import { describe, expect, it } from 'vitest';
import { escapeText, foldLine, renderCalendar } from '../../apps/api/src/calendar/icalendar.ts';

/** RFC 5545 3.1: a CRLF followed by one space or tab is removed. */
const unfold = (text: string) => text.replace(/\r\n[ \t]/g, '');

describe('iCalendar text', () => {
  it.each([
    ['plain', 'plain'],
    ['a, b; c', 'a\\, b\\; c'],
    ['back\\slash', 'back\\\\slash'],
    ['two\nlines\r\nthree', 'two\\nlines\\nthree'],
  ])('escapes %j as %j', (text, escaped) => expect(escapeText(text)).toBe(escaped));

  it('folds at 75 octets, never inside a UTF-8 sequence, and unfolds to the same line', () => {
    for (const line of ['x'.repeat(200), `SUMMARY:${'é'.repeat(100)}`, `SUMMARY:${'🍝'.repeat(40)}`, 'short']) {
      const folded = foldLine(line);
      const parts = folded.split('\r\n');
      expect(Buffer.byteLength(parts[0]!, 'utf8')).toBeLessThanOrEqual(75);
      for (const part of parts.slice(1)) {
        expect(part.startsWith(' ')).toBe(true);
        expect(Buffer.byteLength(part, 'utf8')).toBeLessThanOrEqual(75);
      }
      // no part starts or ends with half a character
      for (const part of parts) expect(part).not.toContain('\uFFFD');
      expect(unfold(folded)).toBe(line);
    }
    expect(foldLine('x'.repeat(75))).toBe('x'.repeat(75));
    expect(foldLine('x'.repeat(76))).toBe(`${'x'.repeat(75)}\r\n x`);
  });

  it('writes an all-day, transparent event per entry between the calendar lines', () => {
    const text = renderCalendar({
      name: 'Meal plan',
      now: new Date('2026-11-30T12:34:56.789Z'),
      events: [
        { uid: 'meal-plan-1@example.org', day: '2026-12-31', slot: 'dinner', summary: 'Soup', description: '', url: null },
      ],
    });
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.split('\r\n').slice(0, -1)).toEqual([
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      'PRODID:-//Eat or Yeet//Meal plan//EN',
      'CALSCALE:GREGORIAN',
      'METHOD:PUBLISH',
      'NAME:Meal plan',
      'X-WR-CALNAME:Meal plan',
      'REFRESH-INTERVAL;VALUE=DURATION:PT1H',
      'X-PUBLISHED-TTL:PT1H',
      'BEGIN:VEVENT',
      'UID:meal-plan-1@example.org',
      'DTSTAMP:20261130T123456Z',
      'DTSTART;VALUE=DATE:20261231',
      'DTEND;VALUE=DATE:20270101',
      'SUMMARY:Dinner: Soup',
      'CATEGORIES:Dinner',
      'TRANSP:TRANSPARENT',
      'END:VEVENT',
      'END:VCALENDAR',
    ]);
  });
});
