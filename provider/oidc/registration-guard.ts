import type { Connection } from 'mongoose';
import type { KoaContextWithOIDC } from 'oidc-provider';

import { oidcModel } from '../../adapters/mongodb.ts';
import { countInWindow } from '../security/count-in-window.ts';
import type { AuditLog } from '../security/audit-log.ts';

type Next = () => Promise<unknown>;

const HOUR_MS = 60 * 60 * 1000;

export interface RegistrationLimits {
  /** REGISTRATION_MAX_CLIENTS */
  maxClients: number;
  /** REGISTRATION_PER_HOUR, per client address */
  perHour: number;
}

/** Counts one registration of `ip` in this hour; the count so far, this one included. */
function countRegistration(connection: Connection, ip: string): Promise<number> {
  return countInWindow(connection, `registration:${ip}`, HOUR_MS);
}

/**
 * Open registration is an endpoint anyone can write to: it is rate limited per address, the
 * number of dynamically registered clients is capped, and every registration, update and
 * deletion is an audit record.
 */
export function registrationGuard(connection: Connection, audit: AuditLog, limits: RegistrationLimits) {
  return async function registrationGuard(ctx: KoaContextWithOIDC, next: Next): Promise<void> {
    const registering = ctx.method === 'POST' && ctx.path === '/reg';
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
      if (
        (await oidcModel(connection, 'Client').countDocuments({ 'payload.dynamic_client': true })) >= limits.maxClients
      ) {
        ctx.status = 403;
        ctx.body = { error: 'access_denied', error_description: 'no more dynamically registered clients are accepted' };
        return;
      }
    }
    await next();
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
