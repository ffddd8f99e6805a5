import { hkdfSync } from 'node:crypto';

/**
 * The secret DPoP server nonces are made with (oidc-provider's stateless, time-stepped HMAC
 * challenges): derived from KEY_ENCRYPTION_KEY, so every instance makes and accepts the same
 * nonces and nothing new must be configured.
 */
export function dpopNonceSecret(keyEncryptionKey: Uint8Array): Buffer {
  return Buffer.from(hkdfSync('sha256', keyEncryptionKey, Buffer.alloc(0), 'meshid dpop nonce v1', 32));
}
