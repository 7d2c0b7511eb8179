/** The app's pure decisions: commands, who may sign off, when a review is due, markers, release notes. */
import { describe, expect, it } from 'vitest';
import { dataMarker, hasMarker, marker, markerKey, readDataMarker } from '../src/core/markers.js';
import { periodicReviewDue } from '../src/core/review-due.js';
import { maySignOff, parseCommand } from '../src/core/sign-off-command.js';
import { gateMode } from '../src/app/pulls.js';
import { pullNumberOf } from '../src/core/ports/history.js';
import { withNotesSection } from '../src/github/releases.js';

const roster = [{ github: 'Dr-Amara-Okafor', name: 'Dr Amara Okafor', profession: 'Pharmacist', registration: 'GPhC 2087654' }];

describe('sign-off commands', () => {
  it('reads sign-off and reject at the start of a line, with a statement or reason', () => {
    expect(parseCommand('/clinsafe sign-off')).toEqual({ kind: 'sign-off' });
    expect(parseCommand('Reviewed the CSCR.\n/clinsafe sign-off Residual risk acceptable for ward use')).toEqual({
      kind: 'sign-off',
      statement: 'Residual risk acceptable for ward use',
    });
    expect(parseCommand('/clinsafe reject H-004 evidence missing')).toEqual({ kind: 'reject', reason: 'H-004 evidence missing' });
  });
  it('never acts on quoted or fenced commands, or commands inside a sentence', () => {
    expect(parseCommand('> /clinsafe sign-off')).toBeUndefined();
    expect(parseCommand('```\n/clinsafe sign-off\n```')).toBeUndefined();
    expect(parseCommand('Should I /clinsafe sign-off?')).toBeUndefined();
  });
  it('acts only in visible prose: never in code, quotes, HTML comments or blocks, or collapsed sections', () => {
    const hidden = [
      '    /clinsafe sign-off',
      'Text\n\n    /clinsafe sign-off',
      '~~~\n/clinsafe sign-off\n~~~',
      '````md\n```\n/clinsafe sign-off\n```\n````',
      '> Earlier:\n> /clinsafe sign-off',
      '> > /clinsafe sign-off',
      '- > /clinsafe sign-off',
      '<!-- /clinsafe sign-off -->',
      '<!--\n/clinsafe sign-off\n-->',
      'Looks fine <!--\n/clinsafe sign-off\n--> to me',
      '<div>\n/clinsafe sign-off\n</div>',
      '`/clinsafe sign-off`',
      'Please run\n`/clinsafe sign-off`',
      '<details>\n<summary>old</summary>\n\n/clinsafe sign-off\n\n</details>',
      '![/clinsafe sign-off](https://example.test/x.png)',
      '[x]: https://example.test "/clinsafe sign-off"',
      '| a |\n| - |\n| /clinsafe sign-off |',
    ];
    for (const body of hidden) expect(parseCommand(body), body).toBeUndefined();
  });
  it('counts a command in visible prose however it is written', () => {
    expect(parseCommand('Reviewed.\n\n**/clinsafe sign-off**')).toEqual({ kind: 'sign-off' });
    expect(parseCommand('- /clinsafe reject `H-4` evidence missing')).toEqual({ kind: 'reject', reason: '`H-4` evidence missing' });
    expect(parseCommand('<details><summary>x</summary>\n\nold\n\n</details>\n\n/clinsafe sign-off')).toEqual({ kind: 'sign-off' });
    expect(parseCommand('/clinsafe sign-off ok <!-- hidden -->')).toEqual({ kind: 'sign-off', statement: 'ok' });
  });
  it('hostile comments are read in bounded time and answered in plain words', () => {
    const t0 = performance.now();
    // Comments without a command are not even parsed; long or deeply nested ones get a plain answer.
    expect(parseCommand('` a '.repeat(16_000))).toBeUndefined();
    const tooLong = parseCommand(`${'Long review notes. '.repeat(300)}\n\n/clinsafe sign-off`);
    expect(tooLong).toMatchObject({
      kind: 'invalid',
      problem: expect.stringContaining('post the command on its own in a short new comment'),
    });
    for (const deep of [
      `${'>'.repeat(7_000)} /clinsafe sign-off`,
      `${'- '.repeat(3_000)}/clinsafe sign-off`,
      `${'> 1. '.repeat(1_000)}/clinsafe sign-off`,
    ])
      expect(parseCommand(deep)).toMatchObject({ kind: 'invalid', problem: expect.stringContaining('too deeply nested') });
    expect(parseCommand(`${'> '.repeat(20)}/clinsafe sign-off`)).toBeUndefined();
    expect(parseCommand(`${'- '.repeat(20)}/clinsafe sign-off`)).toEqual({ kind: 'sign-off' });
    for (const slow of ['['.repeat(3_900), '*a '.repeat(1_300), '`'.repeat(3_900), '<!--'.repeat(950)])
      expect(parseCommand(`${slow}\n\n/clinsafe reject x`)?.kind).not.toBe('sign-off');
    const worst = parseCommand(`${'` a '.repeat(950)}\n\n/clinsafe sign-off`);
    expect(worst).toEqual({ kind: 'sign-off' });
    expect(performance.now() - t0).toBeLessThan(2000);
  });
  it('explains a reject without a reason and an unknown command', () => {
    expect(parseCommand('/clinsafe reject')).toMatchObject({ kind: 'invalid' });
    expect(parseCommand('/clinsafe approve-everything')).toMatchObject({ kind: 'invalid' });
  });
});

describe('who may sign off', () => {
  it('a CSO on the roster at the tag (login case-insensitive)', () => {
    expect(maySignOff('dr-amara-okafor', 'User', roster)).toMatchObject({ allowed: true, cso: { registration: 'GPhC 2087654' } });
  });
  it('nobody else, no bot, and nobody when the roster is empty', () => {
    expect(maySignOff('eager-developer', 'User', roster)).toMatchObject({ allowed: false });
    expect(maySignOff('dr-amara-okafor', 'Bot', roster)).toMatchObject({ allowed: false });
    expect(maySignOff('clinsafe[bot]', undefined, roster)).toMatchObject({ allowed: false });
    expect(maySignOff('dr-amara-okafor', 'User', [])).toMatchObject({
      allowed: false,
      reason: expect.stringContaining('no Clinical Safety Officer'),
    });
  });
});

describe('periodic review', () => {
  const config = (lastReviewed: string | undefined, cadenceMonths: number) =>
    ({ review: { cadenceMonths, ...(lastReviewed ? { lastReviewed } : {}) } }) as Parameters<typeof periodicReviewDue>[0];
  it('falls due on the same day of the month, cadence months later; clamps to month end', () => {
    expect(periodicReviewDue(config('2026-03-01', 12), '2027-02-28')).toMatchObject({ due: false, dueOn: '2027-03-01' });
    expect(periodicReviewDue(config('2026-03-01', 12), '2027-03-01')).toMatchObject({ due: true, key: '2027-03-01' });
    expect(periodicReviewDue(config('2026-08-31', 6), '2027-02-28')).toMatchObject({ due: true, dueOn: '2027-02-28' });
  });
  it('is due when the log was never reviewed', () => {
    expect(periodicReviewDue(config(undefined, 12), '2026-01-01')).toMatchObject({ due: true, key: 'never-reviewed' });
  });
});

describe('markers', () => {
  it('are found by kind and key, and cannot be closed early by a key', () => {
    const body = `text\n${marker('release-signoff', 'v1.0@abc')}`;
    expect(hasMarker(body, 'release-signoff', 'v1.0@abc')).toBe(true);
    expect(hasMarker(body, 'release-signoff', 'v1.0')).toBe(false);
    expect(markerKey(body, 'release-signoff')).toBe('v1.0@abc');
    expect(marker('refusal', 'x --> <script>')).not.toContain('x -->');
  });
  it('carry data through base64 JSON and ignore garbage', () => {
    const data = { state: 'rejected', reason: 'a --> b <!-- c' };
    expect(readDataMarker(`x ${dataMarker(data)} y`)).toEqual(data);
    expect(readDataMarker('<!-- clinsafe-data:!!! -->')).toBeUndefined();
    expect(readDataMarker('<!-- clinsafe-data:bm90IGpzb24= -->')).toBeUndefined();
  });
});

describe('release notes section', () => {
  it('is appended once and then replaced in place, leaving the rest of the notes alone', () => {
    const once = withNotesSection('## Changes\n- faster', 'awaiting');
    expect(once).toContain('## Changes\n- faster');
    const twice = withNotesSection(`${once}\nMore notes by a person.`, 'approved');
    expect(twice).toContain('approved');
    expect(twice).not.toContain('awaiting');
    expect(twice).toContain('More notes by a person.');
    expect(withNotesSection(twice, 'approved')).toBe(twice);
    expect(withNotesSection(null, 'x')).toContain('x');
  });
});

describe('pull request numbers in history', () => {
  it('come from merge and squash commit subjects only', () => {
    expect(pullNumberOf('Merge pull request #12 from acme/dose-units\n\nbody')).toBe(12);
    expect(pullNumberOf('Map microgram to the dm+d unit (#34)')).toBe(34);
    expect(pullNumberOf('Fix #12 typo')).toBeUndefined();
    expect(pullNumberOf('subject\n\nMerge pull request #9')).toBeUndefined();
  });
});

describe('app gate mode', () => {
  it('accepts status, check-run and off; refuses anything else', () => {
    expect(gateMode(undefined)).toBe('status');
    expect(gateMode('Check-Run')).toBe('check-run');
    expect(gateMode('off')).toBe('off');
    expect(() => gateMode('maybe')).toThrow(/CLINSAFE_APP_GATE/);
  });
});
