/**
 * The set-up the gate's end-to-end tests share: a real git repository of the example product with a
 * branch checked out for the change, served as git data by the loopback GitHub with its pulls routes;
 * a pull request built from that repository; the gate run against it.
 * Start one in beforeEach and stop it in afterEach.
 */
import { runGate, type GateOutcome } from '../../src/gate/run.js';
import type { GitHubClient } from '../../src/github/client.js';
import { MockGitHub } from './mock-github.js';
import { filesFromRepo, mockClient, mockPulls, type MockPull, type PullsState } from './mock-pulls.js';
import { fixtureRepo, type TempRepo } from './repo.js';

export interface GateHarness {
  repo: TempRepo;
  /** The fixture's commit the branch starts from (the pull request's base). */
  base: string;
  gh: MockGitHub;
  pulls: PullsState;
  /** Stop the loopback GitHub and remove the repository. */
  stop(): Promise<void>;
}

/** The example product's repository on a new branch `feature`, and the loopback GitHub serving it (as `botLogin`, if given). */
export async function startGateHarness(opts: { botLogin?: string } = {}): Promise<GateHarness> {
  const repo = fixtureRepo();
  const base = repo.git('rev-parse', 'HEAD').trim();
  repo.git('checkout', '-q', '-b', 'feature');
  const gh = new MockGitHub();
  gh.gitDir = repo.dir;
  if (opts.botLogin) gh.botLogin = opts.botLogin;
  await gh.start();
  const pulls = mockPulls(gh);
  return {
    repo,
    base,
    gh,
    pulls,
    async stop() {
      await gh.stop();
      repo.cleanup();
    },
  };
}

/**
 * A pull request of `repo` from `base` to `head` by `author`: its files as git says, no labels, no
 * reviews, one commit authored and committed by the author (carrying `head` as its SHA only when
 * `commitSha` is set; otherwise the mock numbers it). `extra` overrides any field.
 */
export function pullFromRepo(
  repo: TempRepo,
  pr: { number: number; author: string; base: string; head: string; commitSha?: boolean },
  extra: Partial<MockPull> = {},
): MockPull {
  const login = { login: pr.author };
  return {
    number: pr.number,
    author: pr.author,
    headSha: pr.head,
    baseSha: pr.base,
    labels: [],
    files: filesFromRepo(repo.dir, pr.base, pr.head),
    reviews: [],
    commits: [{ author: login, committer: login, ...(pr.commitSha ? { sha: pr.head } : {}) }],
    ...extra,
  };
}

/** runGate on pull request `number` (default 7) of the loopback repository, as its bot, through `client` (default the mock's). */
export function gateOn(
  gh: MockGitHub,
  opts: {
    number?: number;
    client?: GitHubClient;
    report: 'status' | 'check-run';
    headSha?: string;
    baseSha?: string;
    runCompleted?: boolean;
  },
): Promise<GateOutcome> {
  const { number = 7, client = mockClient(gh), ...rest } = opts;
  return runGate(client, { owner: gh.owner, repo: gh.repo }, number, { botLogin: gh.botLogin, ...rest });
}
