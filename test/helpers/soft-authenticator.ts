import { createHash, generateKeyPairSync, type KeyObject, randomBytes, sign } from 'node:crypto';

import { encodeCBOR } from '@levischuck/tiny-cbor';
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';

/**
 * A software WebAuthn authenticator for server-level tests: it answers the provider's options
 * the way a browser and an authenticator would (ES256, attestation "none"), and can be told to
 * misbehave — another origin, another RP ID, a counter that goes back, no user verification —
 * so each refusal is tested against a real signature rather than a mock. (The Chromium tests
 * use the browser's own virtual authenticator.)
 */
export interface SoftCredential {
  id: string;
  privateKey: KeyObject;
  userHandle: string;
  counter: number;
}

export interface Ceremony {
  origin?: string;
  rpId?: string;
  /** user verification (PIN/biometric) performed; default true */
  uv?: boolean;
  /** the signature counter to report; default: one more than the last */
  counter?: number;
  /** answer with this credential instead of the first one the options allow */
  credential?: SoftCredential;
}

const b64url = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');
const sha256 = (data: Uint8Array | string) => createHash('sha256').update(data).digest();

export class SoftAuthenticator {
  readonly credentials: SoftCredential[] = [];
  readonly #origin: string;
  /** synced passkey (backup eligible): `swk`; a device-bound one: `hwk` */
  readonly #synced: boolean;

  constructor(origin: string, options: { synced?: boolean } = {}) {
    this.#origin = origin;
    this.#synced = options.synced ?? false;
  }

  #flags(uv: boolean, attested: boolean): number {
    // UP, UV, BE+BS for a synced passkey, AT when a credential is attached
    return 0x01 | (uv ? 0x04 : 0) | (this.#synced ? 0x18 : 0) | (attested ? 0x40 : 0);
  }

  #clientData(type: string, challenge: string, origin: string): Buffer {
    return Buffer.from(JSON.stringify({ type, challenge, origin, crossOrigin: false }));
  }

  register(options: PublicKeyCredentialCreationOptionsJSON, ceremony: Ceremony = {}): RegistrationResponseJSON {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = publicKey.export({ format: 'jwk' });
    const cose = encodeCBOR(
      new Map<number, number | Uint8Array>([
        [1, 2],
        [3, -7],
        [-1, 1],
        [-2, Buffer.from(jwk.x!, 'base64url')],
        [-3, Buffer.from(jwk.y!, 'base64url')],
      ]),
    );
    const id = randomBytes(16);
    const counter = ceremony.counter ?? 0;
    const authData = Buffer.concat([
      sha256(ceremony.rpId ?? options.rp.id!),
      Buffer.from([this.#flags(ceremony.uv ?? true, true)]),
      uint32(counter),
      Buffer.alloc(16), // AAGUID: none given
      Buffer.from([0, id.length]),
      id,
      Buffer.from(cose),
    ]);
    const attestationObject = encodeCBOR(
      new Map<string, string | Map<string, string> | Uint8Array>([
        ['fmt', 'none'],
        ['attStmt', new Map<string, string>()],
        ['authData', authData],
      ]),
    );
    const credential = { id: b64url(id), privateKey, userHandle: options.user.id, counter };
    this.credentials.push(credential);
    return {
      id: credential.id,
      rawId: credential.id,
      type: 'public-key',
      clientExtensionResults: {},
      response: {
        clientDataJSON: b64url(this.#clientData('webauthn.create', options.challenge, ceremony.origin ?? this.#origin)),
        attestationObject: b64url(attestationObject),
        transports: ['internal'],
      },
    };
  }

  assert(options: PublicKeyCredentialRequestOptionsJSON, ceremony: Ceremony = {}): AuthenticationResponseJSON {
    const allowed = options.allowCredentials?.map((c) => c.id) ?? [];
    const credential =
      ceremony.credential ??
      this.credentials.find((c) => allowed.length === 0 || allowed.includes(c.id)) ??
      this.credentials[0];
    if (!credential) throw new Error('this authenticator has no credential');
    credential.counter = ceremony.counter ?? credential.counter + 1;
    const authData = Buffer.concat([
      sha256(ceremony.rpId ?? options.rpId!),
      Buffer.from([this.#flags(ceremony.uv ?? true, false)]),
      uint32(credential.counter),
    ]);
    const clientData = this.#clientData('webauthn.get', options.challenge, ceremony.origin ?? this.#origin);
    const signature = sign('sha256', Buffer.concat([authData, sha256(clientData)]), credential.privateKey);
    return {
      id: credential.id,
      rawId: credential.id,
      type: 'public-key',
      clientExtensionResults: {},
      response: {
        clientDataJSON: b64url(clientData),
        authenticatorData: b64url(authData),
        signature: b64url(signature),
        userHandle: credential.userHandle,
      },
    };
  }
}

function uint32(value: number): Buffer {
  const buffer = Buffer.alloc(4);
  buffer.writeUInt32BE(value);
  return buffer;
}
