import { compactDecrypt, CompactEncrypt } from 'jose';

/**
 * Encryption at rest for small secrets (TOTP seeds): a compact JWE with AES-256-GCM under a
 * key from configuration (`dir`). `bindTo` (the owner's id) is put in the protected header and
 * checked on the way out, so a ciphertext copied onto another account does not decrypt.
 */
const encoder = new TextEncoder();
const decoder = new TextDecoder();

export async function seal(key: Uint8Array, plaintext: string, bindTo: string): Promise<string> {
  return new CompactEncrypt(encoder.encode(plaintext))
    .setProtectedHeader({ alg: 'dir', enc: 'A256GCM', sub: bindTo })
    .encrypt(key);
}

export async function open(key: Uint8Array, sealed: string, bindTo: string): Promise<string> {
  const { plaintext, protectedHeader } = await compactDecrypt(sealed, key, {
    keyManagementAlgorithms: ['dir'],
    contentEncryptionAlgorithms: ['A256GCM'],
  });
  if (protectedHeader.sub !== bindTo) throw new Error('sealed secret belongs to another owner');
  return decoder.decode(plaintext);
}
