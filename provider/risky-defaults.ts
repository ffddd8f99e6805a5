import type { Config } from './config.ts';

const LOCAL_HOSTS = /^(localhost|127(\.\d{1,3}){3}|\[?::1\]?)$/i;

/** The hosts of a MongoDB connection string (undefined for mongodb+srv, which is never local). */
function databaseHosts(uri: string): string[] | undefined {
  if (uri.startsWith('mongodb+srv://')) return undefined;
  const authority = uri.slice('mongodb://'.length).split('/')[0]!.split('?')[0]!;
  const hosts = authority.slice(authority.lastIndexOf('@') + 1);
  return hosts.split(',').map((host) => host.replace(/:\d+$/, ''));
}

/** The port of an issuer on this machine (localhost), when HOST is local too; else undefined. */
function issuerPortOnThisHost(config: Config): number | undefined {
  const url = URL.parse(config.issuer);
  if (!url || !LOCAL_HOSTS.test(url.hostname) || !LOCAL_HOSTS.test(config.host)) return undefined;
  return Number(url.port || (url.protocol === 'https:' ? 443 : 80));
}

function isLocalDatabase(uri: string): boolean {
  return databaseHosts(uri)?.every((host) => LOCAL_HOSTS.test(host)) ?? false;
}

/**
 * Settings that are fine for a demo on a laptop and dangerous anywhere else, each as a warning
 * to log loudly at start-up: development mode against a database on another machine (which is
 * how a forgotten NODE_ENV reaches a server), and the demo seed in a kept database.
 */
export function riskyDefaults(config: Config): string[] {
  const warnings: string[] = [];
  const issuerPort = issuerPortOnThisHost(config);
  if (issuerPort !== undefined && config.port !== 0 && issuerPort !== config.port) {
    warnings.push(
      `ISSUER (${config.issuer}) names port ${issuerPort} but PORT is ${config.port}: browsers and clients will go to the wrong port. Unset ISSUER to follow PORT, or fix one of them.`,
    );
  }
  if (config.mongodbUri === undefined) return warnings;
  if (config.nodeEnv !== 'production' && !isLocalDatabase(config.mongodbUri)) {
    warnings.push(
      `NODE_ENV is ${config.nodeEnv}, not production, with a database on another machine: ` +
        'set NODE_ENV=production for a real deployment. Until then an http issuer is allowed' +
        `${config.keys.ephemeralKey ? ', KEY_ENCRYPTION_KEY is unset so signing keys are sealed with a throwaway key' : ''}` +
        `${config.mfa.ephemeralKey ? ', MFA_ENCRYPTION_KEY is unset so TOTP secrets are sealed with a throwaway key' : ''}.`,
    );
  }
  if (config.demoSeed) {
    warnings.push(
      "DEMO_SEED is on with a kept database: the demo user's password and the demo clients' secrets are printed to the console once. Anyone who can read this console or its logs can use them; delete the demo clients and user before going live.",
    );
  }
  return warnings;
}
