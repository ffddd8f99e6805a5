import { Schema, type Connection, type Model } from 'mongoose';
import { modelOn } from '../../adapters/model-on.ts';

/** A logout passing through an upstream's end_session_endpoint: where to send the browser when it comes back. */
interface UpstreamLogoutRecord {
  /** SHA-256 of the `state` sent to the upstream, hex */
  _id: string;
  /** where oidc-provider was sending the browser: the client's post_logout_redirect_uri (checked by it) or its own page */
  returnTo: string;
  expiresAt: Date;
}

const schema = new Schema<UpstreamLogoutRecord>(
  {
    _id: { type: String, required: true },
    returnTo: { type: String, required: true },
    expiresAt: { type: Date, required: true },
  },
  { versionKey: false, collection: 'upstream_logouts' },
);

schema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });

export function upstreamLogoutModel(connection: Connection): Model<UpstreamLogoutRecord> {
  return modelOn<UpstreamLogoutRecord>(connection, 'UpstreamLogout', schema);
}
