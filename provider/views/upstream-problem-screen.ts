import type { Context } from 'koa';
import type nunjucks from 'nunjucks';

import { renderScreen } from './render-screen.ts';

/** Everything that can stop a sign-in through an upstream, as the user is told it. */
export type UpstreamProblem =
  | 'unavailable'
  | 'refused'
  | 'declined'
  | 'expired'
  | 'turned_off'
  | 'no_email'
  | 'unverified_email'
  | 'not_provisioned'
  | 'disabled'
  | 'other_upstream';

const PROBLEMS: Record<UpstreamProblem, { status: number; message: (name: string) => string }> = {
  unavailable: {
    status: 502,
    message: (name) => `${name} is not answering right now. Try again in a moment, or sign in another way.`,
  },
  refused: {
    status: 502,
    message: (name) => `The answer from ${name} could not be verified, so you were not signed in. Try again.`,
  },
  declined: { status: 401, message: (name) => `Signing in with ${name} was cancelled.` },
  expired: {
    status: 400,
    message: () =>
      'This sign-in has expired or was started in another browser. Go back to the application and sign in again.',
  },
  turned_off: { status: 400, message: (name) => `Signing in with ${name} is not available any more.` },
  no_email: {
    status: 403,
    message: (name) => `${name} did not share an email address, which this service needs to sign you in.`,
  },
  unverified_email: {
    status: 403,
    message: (name) =>
      `${name} has not verified the email address of your account there, so it cannot be used to sign in here. Verify it at ${name}, then try again.`,
  },
  not_provisioned: {
    status: 403,
    message: () => 'There is no account here for you yet. Ask your administrator for access.',
  },
  disabled: { status: 403, message: () => 'This account cannot sign in. Contact your administrator.' },
  other_upstream: {
    status: 403,
    message: (name) =>
      `Your email address signs in with your organisation's own provider, not with ${name}. Go back and choose it.`,
  },
};

/** The page for a sign-in through an upstream that did not work, with a way back to the sign-in screen when there is one. */
export function renderUpstreamProblem(
  views: nunjucks.Environment,
  ctx: Context,
  problem: UpstreamProblem,
  name: string,
  uid?: string,
): void {
  const { status, message } = PROBLEMS[problem];
  renderScreen(
    views,
    ctx,
    'upstream-problem.njk',
    {
      title: `Sign-in with ${name}`,
      message: message(name),
      error: problem,
      back: uid ? `/interaction/${uid}` : undefined,
    },
    status,
  );
}
