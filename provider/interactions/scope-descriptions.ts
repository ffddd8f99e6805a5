/** What each scope lets an application do, in words a person can consent to. */
const DESCRIPTIONS: Record<string, string> = {
  openid: 'Know who you are (your account identifier)',
  profile: 'See your name',
  email: 'See your email address and whether it is verified',
  offline_access: 'Stay connected when you are not using it',
};

export function describeScope(scope: string): string {
  return DESCRIPTIONS[scope] ?? scope;
}
