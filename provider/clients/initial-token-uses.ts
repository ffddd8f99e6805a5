import { type Connection, type Model, Schema } from 'mongoose';
import { modelOn } from '../../adapters/model-on.ts';
import { errors } from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';

/** Registrations an initial access token may still make (`_id` = the token's jti). */
interface InitialTokenUsesRecord {
  _id: string;
  remaining: number;
  expiresAt: Date;
}

const schema = new Schema<InitialTokenUsesRecord>(
  {
    _id: { type: String, required: true },
    remaining: { type: Number, required: true },
    expiresAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'initial_token_uses' },
);
schema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });

export function initialTokenUsesModel(connection: Connection): Model<InitialTokenUsesRecord> {
  return modelOn<InitialTokenUsesRecord>(connection, 'InitialTokenUses', schema);
}

/** The name of the registration policy that counts an initial access token's uses. */
export const LIMITED_USES_POLICY = 'limited-uses';

/** Gives an initial access token (its jti) a number of registrations. */
export async function limitInitialTokenUses(
  connection: Connection,
  jti: string,
  uses: number,
  expiresIn: number,
): Promise<void> {
  await initialTokenUsesModel(connection).insertMany([
    { _id: jti, remaining: uses, expiresAt: new Date(Date.now() + expiresIn * 1000) },
  ]);
}

/**
 * The registration policy of a use-counted initial access token: each registration takes one use
 * with a conditional decrement (concurrent registrations cannot overspend it), and the client's
 * registration access token does not inherit the policy (its updates are not registrations).
 */
export function limitedUsesPolicy(connection: Connection) {
  return async function limitedUses(ctx: KoaContextWithOIDC): Promise<void> {
    const jti = ctx.oidc.entities.InitialAccessToken?.jti;
    if (!jti) return;
    if (ctx.oidc.entities.RegistrationAccessToken) ctx.oidc.entities.RegistrationAccessToken.policies = undefined;
    const taken = await initialTokenUsesModel(connection).updateOne(
      { _id: jti, remaining: { $gt: 0 } },
      { $inc: { remaining: -1 } },
    );
    if (taken.matchedCount === 0) throw new errors.InvalidToken('this initial access token has no registrations left');
  };
}
