import type { Connection } from 'mongoose';
import type { KoaContextWithOIDC } from 'oidc-provider';

import { clientChanges } from '../../adapters/client-changes.ts';
import { oidcModel } from '../../adapters/mongodb.ts';
import { reachesLibraryPath } from './library-path.ts';
import { countInWindow } from '../security/count-in-window.ts';
import type { AuditLog } from '../security/audit-log.ts';

type Next = () => Promise<unknown>;

const HOUR_MS = 60 * 60 * 1000;

interface RegistrationLimits {
  /** REGISTRATION_MAX_CLIENTS */
  maxClients: number;
  /** REGISTRATION_PER_HOUR, per client address */
  perHour: number;
}

/** Counts one registration of `ip` in this hour; the count so far, this one included. */
function countRegistration(connection: Connection, ip: string): Promise<number> {
  return countInWindow(connection, `registration:${ip}`, HOUR_MS);
}

const CAP_REACHED = {
  error: 'access_denied',
  error_description: 'no more dynamically registered clients are accepted',
};

/**
 * Open registration is an endpoint anyone can write to: it is rate limited per address, the
 * number of dynamically registered clients is capped, and every registration, update and
 * deletion is an audit record.
 */
export function registrationGuard(connection: Connection, audit: AuditLog, limits: RegistrationLimits) {
  const Clients = oidcModel(connection, 'Client');
  /**
   * The count before registering and the insert are apart by the registration's own work, so
   * registrations arriving together can all pass the count. Each therefore counts again once it
   * is stored, and one that finds the cap exceeded takes itself back: whichever stored client
   * counted last saw every client kept, so no more than the cap are ever kept (under a race,
   * one fewer may be, never one more).
   */
  async function overCap(ctx: KoaContextWithOIDC): Promise<boolean> {
    if ((await Clients.countDocuments({ 'payload.dynamic_client': true })) <= limits.maxClients) return false;
    const { client_id: clientId, registration_access_token: token } = ctx.body as {
      client_id?: string;
      registration_access_token?: string;
    };
    // Only this registration's own client (an answer without an id would match any).
    if (typeof clientId === 'string') {
      await Clients.deleteOne({ _id: clientId });
      await clientChanges(connection).changed();
    }
    // An opaque token is stored under its own value: the refused client cannot be managed either.
    if (token) await oidcModel(connection, 'RegistrationAccessToken').deleteOne({ _id: token });
    ctx.status = 403;
    ctx.body = CAP_REACHED;
    return true;
  }

  return async function registrationGuard(ctx: KoaContextWithOIDC, next: Next): Promise<void> {
    // Before routing there is no ctx.oidc.route yet: every spelling the library routes counts.
    const registering = ctx.method === 'POST' && reachesLibraryPath(ctx.path, '/reg');
    if (registering) {
      if ((await countRegistration(connection, ctx.ip)) > limits.perHour) {
        ctx.status = 429;
        ctx.set('Retry-After', '3600');
        ctx.body = {
          error: 'invalid_request',
          error_description: 'too many registrations from this address; try again later',
        };
        return;
      }
      if ((await Clients.countDocuments({ 'payload.dynamic_client': true })) >= limits.maxClients) {
        ctx.status = 403;
        ctx.body = CAP_REACHED;
        return;
      }
    }
    await next();
    if (registering && ctx.oidc?.route === 'registration' && ctx.status === 201 && (await overCap(ctx))) return;
    const route = ctx.oidc?.route;
    const events: Record<string, string> = {
      registration: 'client.registered',
      client_update: 'client.registration_updated',
      client_delete: 'client.deregistered',
    };
    if (!route || !(route in events) || ctx.status >= 300) return;
    const clientId = (ctx.body as { client_id?: string } | undefined)?.client_id ?? ctx.oidc.client?.clientId;
    await audit.record({
      event: events[route]!,
      outcome: 'success',
      client: clientId,
      ip: ctx.ip,
      requestId: ctx.state?.requestId,
      details: { dynamic: true },
    });
  };
}
