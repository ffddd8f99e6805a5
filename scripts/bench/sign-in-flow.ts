import * as oidc from 'openid-client';

import { Browser } from '../../test/helpers/browser.ts';

export interface FlowTarget {
  issuer: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  email: string;
  password: string;
}

const VERIFIER = 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk';
const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

/**
 * One complete browser sign-in, as a fresh browser: authorize → login screen → password
 * (argon2) → consent → code → token. Returns the token response.
 */
export async function signInOnce(
  target: FlowTarget,
  config: oidc.Configuration,
  params: Record<string, string> = {},
): Promise<Record<string, string>> {
  const browser = new Browser(target.issuer);
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: target.redirectUri,
    scope: 'openid',
    code_challenge: CHALLENGE,
    code_challenge_method: 'S256',
    ...params,
  });
  let page = await browser.open(url);
  page = await browser.submit(page, '/login', { email: target.email, password: target.password });
  if (page.html.includes('/confirm"')) page = await browser.submit(page, '/confirm');
  const code = page.leftTo?.searchParams.get('code');
  if (!code) throw new Error(`sign-in failed with status ${page.status}`);
  const response = await fetch(`${target.issuer}/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${target.clientId}:${target.clientSecret}`).toString('base64')}`,
    },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: target.redirectUri,
      code_verifier: VERIFIER,
    }).toString(),
  });
  if (response.status !== 200) throw new Error(`token request failed with ${response.status}`);
  return response.json() as Promise<Record<string, string>>;
}

/** Runs sign-ins from `workers` parallel browsers for `seconds`; returns completed flows per second. */
export async function signInLoad(
  target: FlowTarget,
  config: oidc.Configuration,
  workers: number,
  seconds: number,
): Promise<{ perSecond: number; errors: number; flows: number }> {
  const until = Date.now() + seconds * 1000;
  let flows = 0;
  let errors = 0;
  const started = Date.now();
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (Date.now() < until) {
        try {
          await signInOnce(target, config);
          flows += 1;
        } catch {
          errors += 1;
        }
      }
    }),
  );
  return { perSecond: Math.round((flows / ((Date.now() - started) / 1000)) * 10) / 10, errors, flows };
}
