/**
 * End to end: the real app server on loopback, signed webhooks over HTTP, GitHub's API answered
 * by a mock server backed by a real git repository of the MedRec example product.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../src/app/wiring.js';
import { startApp, sign, type RunningApp } from './helpers/app-server.js';
import { example, user } from './helpers/payloads.js';
import { fixtureRepo, type TempRepo } from './helpers/repo.js';

let app: RunningApp;
let repo: TempRepo;
let today = '2026-11-23';

beforeAll(async () => {
  repo = fixtureRepo();
  app = await startApp(createApp({ now: () => new Date(`${today}T09:00:00Z`) }));
  app.github.gitDir = repo.dir;
});
afterAll(async () => {
  await app.stop();
  repo.cleanup();
});
beforeEach(() => {
  app.github.issues.length = 0;
  app.github.comments.length = 0;
  app.github.requests.length = 0;
  today = '2026-11-23';
});

function incidentIssue(title: string, body: string, labels: string[]) {
  const issue = app.github.addUserIssue('ward-nurse-1', title, body, labels);
  const p = example('issues', 'opened');
  p.issue = {
    ...p.issue,
    number: issue.number,
    title,
    body,
    labels: labels.map((name) => ({ name })),
    user: user('ward-nurse-1'),
    created_at: issue.created_at,
    html_url: issue.html_url,
  };
  return p;
}

describe('webhook signatures', () => {
  it('refuses a delivery with a wrong signature and does nothing', async () => {
    const p = incidentIssue('Allergy missing from reconciliation screen', 'Penicillin allergy recorded in GP record did not show.', [
      'clinical-incident',
    ]);
    const res = await app.deliver('issues', p, { signature: sign(JSON.stringify(p), 'not-the-secret') });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(app.github.writes()).toEqual([]);
    expect(app.github.comments).toHaveLength(0);
  });

  it('refuses a delivery with no signature', async () => {
    const p = incidentIssue('x', 'y', ['clinical-incident']);
    const res = await app.deliver('issues', p, { signature: '' });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(app.github.writes()).toEqual([]);
  });
});

describe('clinical incidents', () => {
  it('guides the incident log entry, suggests hazards, and opens one safety review however often it is delivered', async () => {
    const p = incidentIssue(
      'Penicillin allergy not displayed on reconciliation screen',
      'The patient’s penicillin allergy from the GP record was not displayed when the pharmacist reconciled medicines on admission. @acme/cso-team please look.',
      ['clinical-incident'],
    );
    const first = await app.deliver('issues', p, { delivery: 'd-1' });
    expect(first.status).toBe(200);
    const guidance = app.github.comments.filter((c) => c.issue_number === p.issue.number);
    expect(guidance).toHaveLength(1);
    const body = guidance[0]!.body;
    expect(body).toContain('Clinical safety incident: what happens next');
    expect(body).toContain('H-003'); // allergy not displayed
    expect(body).toContain('INC-2026-');
    expect(body).toContain('clinical-safety/incidents/');
    expect(body).not.toMatch(/@acme\/cso-team/); // the reporter's mention is never echoed as a ping
    const reviews = app.github.issues.filter((i) => i.user.type === 'Bot');
    expect(reviews).toHaveLength(1);
    expect(reviews[0]!.title).toBe(`Safety review: clinical incident #${p.issue.number}`);
    expect(reviews[0]!.labels.map((l) => l.name)).toContain('clinical-safety-review');
    expect(reviews[0]!.assignees.map((a) => a.login).sort()).toEqual(['dr-amara-okafor', 'dr-tom-hughes']);

    // Redelivery (same delivery id, as GitHub's "Redeliver" does) and a second labelled event change nothing.
    const writesBefore = app.github.writes().length;
    expect((await app.deliver('issues', p, { delivery: 'd-1' })).status).toBe(200);
    const labeled = { ...p, action: 'labeled', label: { name: 'clinical-incident' } };
    expect((await app.deliver('issues', labeled)).status).toBe(200);
    expect(app.github.writes().length).toBe(writesBefore);
    expect(app.github.comments.filter((c) => c.issue_number === p.issue.number)).toHaveLength(1);
    expect(app.github.issues.filter((i) => i.user.type === 'Bot')).toHaveLength(1);
  });

  it('ignores issues without the incident label, and labels other than it', async () => {
    const p = incidentIssue('Typo on the about page', 'Spelling', ['documentation']);
    expect((await app.deliver('issues', p)).status).toBe(200);
    expect((await app.deliver('issues', { ...p, action: 'labeled', label: { name: 'documentation' } })).status).toBe(200);
    expect(app.github.writes()).toEqual([]);
  });

  it('does not answer issues the bot itself opened', async () => {
    const p = incidentIssue('Safety review', 'x', ['clinical-incident']);
    p.issue.user = user('clinsafe[bot]', 'Bot');
    expect((await app.deliver('issues', p)).status).toBe(200);
    expect(app.github.writes()).toEqual([]);
  });
});

describe('two instances behind a load balancer', () => {
  it('receiving the same delivery at once leave one guidance comment and one open review issue', async () => {
    const second = await startApp(createApp({ now: () => new Date(`${today}T09:00:00Z`) }), app.github);
    try {
      const p = incidentIssue(
        'Penicillin allergy not displayed on reconciliation screen',
        'The patient’s penicillin allergy from the GP record was not displayed when the pharmacist reconciled medicines on admission.',
        ['clinical-incident'],
      );
      const [a, b] = await Promise.all([app.deliver('issues', p, { delivery: 'same' }), second.deliver('issues', p, { delivery: 'same' })]);
      expect(a.status).toBe(200);
      expect(b.status).toBe(200);
      const guidance = app.github.comments.filter((c) => c.issue_number === p.issue.number && c.user.type === 'Bot');
      expect(guidance).toHaveLength(1);
      const open = app.github.issues.filter(
        (i) => i.user.type === 'Bot' && i.state === 'open' && i.title === `Safety review: clinical incident #${p.issue.number}`,
      );
      expect(open).toHaveLength(1);
    } finally {
      await second.stopServerOnly();
    }
  });
});

describe('periodic review', () => {
  function dispatch() {
    const p = example('repository_dispatch', 'on-demand-test');
    p.action = 'clinsafe-periodic-review';
    p.branch = 'main';
    return p;
  }

  it('opens one "Periodic safety review due" issue when the cadence has passed, however often the schedule fires', async () => {
    // MedRec: lastReviewed 2026-03-01, cadence 12 months → due 2027-03-01.
    today = '2027-03-01';
    expect((await app.deliver('repository_dispatch', dispatch())).status).toBe(200);
    expect((await app.deliver('repository_dispatch', dispatch())).status).toBe(200);
    today = '2027-03-02';
    expect((await app.deliver('repository_dispatch', dispatch())).status).toBe(200);
    const opened = app.github.issues.filter((i) => i.user.type === 'Bot');
    expect(opened).toHaveLength(1);
    expect(opened[0]!.title).toBe('Periodic safety review due (2027-03-01)');
    expect(opened[0]!.body).toContain('last reviewed on 2026-03-01');
    expect(opened[0]!.body).toContain('H-002');
    expect(opened[0]!.body).not.toContain('H-012'); // retired hazards are not live
  });

  it('does nothing before the review falls due', async () => {
    today = '2027-02-28';
    expect((await app.deliver('repository_dispatch', dispatch())).status).toBe(200);
    expect(app.github.writes()).toEqual([]);
  });

  it('ignores other dispatch types', async () => {
    expect((await app.deliver('repository_dispatch', { ...dispatch(), action: 'deploy' })).status).toBe(200);
    expect(app.github.writes()).toEqual([]);
  });
});
